import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './embedded-lock.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

export interface DatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite store under `dataDir` is used. */
  databaseUrl?: string | undefined
  /** Directory for PGlite files; `memory://` keeps the database in memory (tests). */
  dataDir: string
  /** Pool size for PostgreSQL. */
  maxConnections?: number
}

export interface DatabaseHandle {
  db: Db
  kind: 'postgres' | 'pglite'
  /** Human-readable location without credentials, for logs. */
  location: string
  close(): Promise<void>
}

// int8 (bigint) arrives as a string from pg by default; our counts fit comfortably in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10))

export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    })
    // A pool error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', location: redactUrl(opts.databaseUrl), close: () => db.destroy() }
  }
  const inMemory = opts.dataDir.startsWith('memory://')
  const dir = inMemory ? opts.dataDir : path.resolve(opts.dataDir, 'pglite')
  let unlock = async () => {}
  if (!inMemory) {
    await mkdir(dir, { recursive: true })
    unlock = await lockDataDir(dir)
  }
  try {
    // PGlite's default 128 MB of shared buffers would be most of the all-in-one process's memory
    // (measured: 368 MB RSS idle with it, 236 MB with 16 MB); the embedded store is small.
    const pglite = await PGlite.create(inMemory ? undefined : dir, {
      postgresqlconf: ['shared_buffers = 16MB', 'work_mem = 4MB', 'maintenance_work_mem = 16MB'],
    })
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
    const close = async () => {
      await db.destroy()
      await unlock()
    }
    return { db, kind: 'pglite', location: inMemory ? 'memory' : dir, close }
  } catch (err) {
    await unlock()
    throw err
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparseable url)'
  }
}
