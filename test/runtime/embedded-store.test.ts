import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { openStore } from '../../src/store/index.js'

const scope = { all: true, organizationalUnitIds: [], accountIds: [] }

test('the embedded store keeps its data across a restart', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orgwarden-data-'))
  const id = randomUUID()
  const first = await openStore({ dataDir })
  await first.sweeps.create({ id, sourceKind: 'snapshot', sourceName: 'demo-org', scope, requestedBy: 't' })
  await first.close()

  const second = await openStore({ dataDir })
  try {
    const row = await second.sweeps.get(id)
    assert.equal(row?.source_name, 'demo-org')
  } finally {
    await second.close()
  }
})

test('a second process cannot open an embedded store in use, and is told why', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orgwarden-data-'))
  const first = await openStore({ dataDir })
  await first.close()
  // Pretend a live process (our parent) holds the store.
  await writeFile(path.join(dataDir, 'pglite', 'orgwarden.pid'), String(process.ppid))
  await assert.rejects(openStore({ dataDir }), /in use by process \d+.*DATABASE_URL/)
})

test('a lock left by a process that no longer exists is taken over', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orgwarden-data-'))
  const first = await openStore({ dataDir })
  await first.close()
  await writeFile(path.join(dataDir, 'pglite', 'orgwarden.pid'), '999999999')
  const store = await openStore({ dataDir })
  await store.close()
})
