import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, REDIS_URL, type TestContext, waitForSweep } from '../helpers/context.js'
import { writeSyntheticSnapshot } from '../helpers/synthetic-snapshot.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const EXTRA = 40

/**
 * The separate worker process is killed (SIGKILL, no chance to clean up) in the middle of a
 * sweep and a new one started: the sweep still completes, no account is lost, and accounts
 * committed before the crash are not collected a second time.
 */
describe('a worker process killed mid-sweep', () => {
  let ctx: TestContext
  let dir: string
  const children: ChildProcess[] = []

  before(async () => {
    ;({ dir } = await writeSyntheticSnapshot(EXTRA))
    ctx = await createTestContext({
      store: 'postgres',
      workers: false,
      sources: createSourceResolver({ snapshotDir: dir }),
    })
  })
  after(async () => {
    for (const c of children) c.kill('SIGKILL')
    await ctx.close()
  })

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/orgwarden.ts', 'worker'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: ctx.databaseUrl,
        REDIS_URL,
        ORGWARDEN_QUEUE_PREFIX: ctx.prefix,
        ORGWARDEN_SNAPSHOT_DIR: dir,
        ORGWARDEN_SNAPSHOT_LATENCY_MS: '150',
        ORGWARDEN_ACCOUNT_CONCURRENCY: '2',
        ORGWARDEN_JOB_LOCK_MS: '2000',
        LOG_LEVEL: 'error',
      },
    })
    children.push(child)
    return child
  }

  async function collectedSoFar(sweepId: string) {
    return ctx.store.handle.db
      .selectFrom('account_snapshots')
      .select(['account_id', 'collected_at'])
      .where('sweep_id', '=', sweepId)
      .execute()
  }

  test('finishes after a restart with every account collected exactly once', {
    timeout: 120_000,
  }, async () => {
    const first = startWorker()
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'synthetic-org' } },
    })
    assert.equal(res.statusCode, 202, res.body)
    const id = res.json().id

    let before: Awaited<ReturnType<typeof collectedSoFar>> = []
    const deadline = Date.now() + 60_000
    while (before.length < 8) {
      assert.ok(Date.now() < deadline, 'the first worker never got going')
      await new Promise((r) => setTimeout(r, 50))
      before = await collectedSoFar(id)
    }
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    before = await collectedSoFar(id)
    const midway = (
      await ctx.app.inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: ctx.auth('read') })
    ).json()
    assert.equal(midway.status, 'running', 'the sweep should still be running when the worker dies')
    assert.ok(before.length < midway.progress.total)

    startWorker()
    const sweep = await waitForSweep(ctx, id, 90_000)
    assert.equal(sweep.status, 'completed')
    const total = 8 + EXTRA
    assert.equal(sweep.progress.total, total)
    assert.equal(sweep.progress.byStatus.collected, total - 1)
    assert.equal(sweep.progress.byStatus.unreachable, 1)
    assert.equal(sweep.progress.byStatus.failed, 0)

    const afterRows = await collectedSoFar(id)
    assert.equal(afterRows.length, total - 1, 'one snapshot per collected account')
    const byId = new Map(afterRows.map((r) => [r.account_id, r.collected_at.getTime()]))
    for (const r of before) {
      assert.equal(byId.get(r.account_id), r.collected_at.getTime(), `${r.account_id} was collected again`)
    }
  })
})
