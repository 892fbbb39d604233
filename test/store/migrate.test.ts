import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openDatabase } from '../../src/store/database.js'
import { loadMigrations, migrate, migrationsApplied } from '../../src/store/migrate.js'
import { createTestDatabase } from '../helpers/context.js'

describe('migrations on PGlite', () => {
  test('apply once, then are a no-op, and readiness sees them', async () => {
    const h = await openDatabase({ dataDir: 'memory://' })
    after(() => h.close())
    assert.equal(await migrationsApplied(h.db), false)
    const first = await migrate(h.db)
    assert.ok(first.includes('0001'))
    assert.deepEqual(await migrate(h.db), [])
    assert.equal(await migrationsApplied(h.db), true)
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sweeps`.execute(h.db)
    assert.equal(rows[0]!.n, 0)
  })

  test('an applied migration edited afterwards stops the start', async () => {
    const h = await openDatabase({ dataDir: 'memory://' })
    after(() => h.close())
    const migrations = await loadMigrations()
    await migrate(h.db, migrations)
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m))
    await assert.rejects(migrate(h.db, edited), /was changed after it was applied/)
  })
})

describe('migrations on PostgreSQL', () => {
  test('processes starting together apply each migration exactly once', async () => {
    const database = await createTestDatabase()
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ databaseUrl: database.url, dataDir: 'unused' })),
    )
    after(async () => {
      await Promise.all(handles.map((h) => h.close()))
      await database.drop()
    })
    const applied = await Promise.all(handles.map((h) => migrate(h.db)))
    assert.equal(applied.flat().filter((v) => v === '0001').length, 1)
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(
      handles[0]!.db,
    )
    assert.equal(rows[0]!.n, (await loadMigrations()).length)
  })
})
