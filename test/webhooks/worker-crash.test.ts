import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createTestContext, REDIS_URL, runSweep, type TestContext } from '../helpers/context.js'
import { startReceiver, waitFor } from './receiver.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The worker process is killed (SIGKILL) while it delivers a sweep's events to a slow receiver,
 * and a new one started: every event arrives, no event gets a second delivery (a request cut
 * off by the kill may be repeated, under the same webhook-id, which receivers deduplicate on).
 */
describe('webhooks: a worker killed during delivery', () => {
  let ctx: TestContext
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const children: ChildProcess[] = []

  before(async () => {
    receiver = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 100))
      return 200
    })
    ctx = await createTestContext({ store: 'postgres', workers: false })
  })
  after(async () => {
    for (const c of children) c.kill('SIGKILL')
    await ctx.close()
    await receiver.close()
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
        ORGWARDEN_JOB_LOCK_MS: '2000',
        ORGWARDEN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        ORGWARDEN_WEBHOOK_BACKOFF_MS: '50',
        // A killed worker's concurrency slots are freed after the request deadline plus 5 s.
        ORGWARDEN_WEBHOOK_TIMEOUT_MS: '2000',
        LOG_LEVEL: 'error',
      },
    })
    children.push(child)
    return child
  }

  test('every event arrives once per webhook-id, with one delivery per event', {
    timeout: 120_000,
  }, async () => {
    const sub = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: ctx.auth(),
      payload: { name: 'slow', url: receiver.url, events: ['finding.opened'], maxConcurrency: 2 },
    })
    assert.equal(sub.statusCode, 201, sub.body)
    const first = startWorker()
    const sweepId = (await runSweep(ctx, { type: 'snapshot', name: 'demo-org' }, 60_000)).id
    await waitFor('some deliveries', () => receiver.received.length >= 4, 60_000)
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    const sentBeforeKill = receiver.received.length

    startWorker()
    const opened = await ctx.store.handle.db
      .selectFrom('finding_events')
      .select('id')
      .where('sweep_id', '=', sweepId)
      .where('kind', '=', 'opened')
      .execute()
    assert.ok(opened.length > sentBeforeKill, 'the kill came before the last delivery')
    await waitFor(
      'every event delivered',
      async () => {
        const done = await ctx.store.handle.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'succeeded')
          .execute()
        return done.length === opened.length
      },
      90_000,
    )
    const rows = await ctx.store.handle.db.selectFrom('webhook_deliveries').select('id').execute()
    assert.equal(rows.length, opened.length, 'one delivery per event')
    const eventIds = new Set(receiver.received.map((r) => r.json.id))
    assert.deepEqual([...eventIds].sort(), opened.map((o) => o.id).sort())
    const webhookIds = new Set(receiver.received.map((r) => r.headers['webhook-id']))
    assert.equal(webhookIds.size, opened.length)
    // Only requests cut off by the kill (at most maxConcurrency) may have been sent twice.
    assert.ok(receiver.received.length - webhookIds.size <= 2, `${receiver.received.length} requests`)
  })
})
