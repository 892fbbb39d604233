import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from './database.js'
import { splitSqlStatements } from './split-sql.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
// Any constant works; it only has to be the same in every Orgwarden process sharing a database.
const LOCK_KEY = 7_361_902_114

export interface Migration {
  version: string
  name: string
  sql: string
  checksum: string
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort()
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(`${dir}/${file}`, 'utf8')
      return {
        version: file.slice(0, 4),
        name: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    }),
  )
}

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock so that
 * several processes starting together apply each file once. Returns the versions applied now.
 * An applied file whose content changed afterwards stops the start: editing history is a bug.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations())
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${LOCK_KEY})`.execute(conn)
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(conn)
      const { rows } = await sql<{ version: string; checksum: string }>`
        SELECT version, checksum FROM schema_migrations`.execute(conn)
      const applied = new Map(rows.map((r) => [r.version, r.checksum]))
      const done: string[] = []
      for (const m of all) {
        const previous = applied.get(m.version)
        if (previous !== undefined) {
          if (previous !== m.checksum) {
            throw new Error(
              `migration ${m.name} was changed after it was applied; add a new migration instead`,
            )
          }
          continue
        }
        await conn.transaction().execute(async (trx) => {
          for (const statement of splitSqlStatements(m.sql)) await sql.raw(statement).execute(trx)
          await sql`INSERT INTO schema_migrations (version, name, checksum)
            VALUES (${m.version}, ${m.name}, ${m.checksum})`.execute(trx)
        })
        done.push(m.version)
      }
      return done
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK_KEY})`.execute(conn)
    }
  })
}

/** True when every known migration is applied (readiness). */
export async function migrationsApplied(db: Db, migrations?: Migration[]): Promise<boolean> {
  const all = migrations ?? (await loadMigrations())
  try {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(db)
    return rows[0]!.n >= all.length
  } catch {
    return false
  }
}
