import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'
import { withDevPasswordPolicy, writeDemoVariants } from '../helpers/demo-variants.js'
import { startReceiver, waitFor } from '../webhooks/receiver.js'

/** Issue 7, done when: a schedule produces sweeps without overlap, and its webhook receiver gets
 * one finding.opened per new finding, one finding.resolved when it is fixed, nothing on unchanged sweeps. */
describe('a schedule and a webhook together', () => {
  let ctx: TestContext
  let dir: string
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  before(async () => {
    dir = await writeDemoVariants({ acme: (d) => d, 'acme-fixed': withDevPasswordPolicy })
    ctx = await createTestContext({ sources: createSourceResolver({ snapshotDir: dir }) })
    receiver = await startReceiver()
  })
  after(async () => {
    await ctx.close()
    await receiver.close()
    await rm(dir, { recursive: true, force: true })
  })

  const scheduleSweeps = (id: string) =>
    ctx.store.handle.db
      .selectFrom('sweeps')
      .selectAll()
      .where('schedule_id', '=', id)
      .orderBy('created_at')
      .execute()
  const patch = (id: string, payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/schedules/${id}`, headers: ctx.auth(), payload })

  test('one finding.opened per new finding, one finding.resolved per fix, nothing from unchanged sweeps', async () => {
    const hook = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: ctx.auth(),
      payload: { name: 'tickets', url: receiver.url, events: ['finding.opened', 'finding.resolved'] },
    })
    assert.equal(hook.statusCode, 201, hook.body)
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/v1/schedules',
      headers: ctx.auth(),
      payload: { name: 'every second', cron: '* * * * * *', source: { type: 'snapshot', name: 'acme' } },
    })
    assert.equal(created.statusCode, 201, created.body)
    const id = created.json().id as string

    // Three sweeps of the unchanged organization, then the fix, then one sweep of the fixed one.
    await waitFor(
      'three completed sweeps of acme',
      async () => {
        const done = (await scheduleSweeps(id)).filter((s) => s.status === 'completed')
        return done.length >= 3
      },
      45_000,
    )
    assert.equal((await patch(id, { source: { type: 'snapshot', name: 'acme-fixed' } })).statusCode, 200)
    await waitFor(
      'a completed sweep of acme-fixed',
      async () =>
        (await scheduleSweeps(id)).some((s) => s.source_name === 'acme-fixed' && s.status === 'completed'),
      45_000,
    )
    assert.equal((await patch(id, { enabled: false })).statusCode, 200)

    const sweeps = await scheduleSweeps(id)
    for (const s of sweeps) assert.equal((await waitForSweep(ctx, s.id)).status, 'completed')
    for (let i = 1; i < sweeps.length; i++) {
      const prev = await ctx.store.sweeps.get(sweeps[i - 1]!.id)
      assert.ok(sweeps[i]!.created_at >= prev!.finished_at!, 'two sweeps of the schedule overlapped')
    }
    await waitFor(
      'every dispatch job',
      async () => {
        for (const s of sweeps) {
          const job = await ctx.queues.webhooks.getJob(`dispatch-${s.id}`)
          if (!job || !(await job.isCompleted())) return false
        }
        return true
      },
      30_000,
    )
    await waitFor('deliveries to settle', async () => {
      const open = await ctx.store.handle.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'retrying'])
        .execute()
      return open.length === 0
    })

    const events = await ctx.store.handle.db
      .selectFrom('finding_events')
      .select(['finding_id', 'sweep_id', 'kind'])
      .where(
        'sweep_id',
        'in',
        sweeps.map((s) => s.id),
      )
      .execute()
    const opened = events.filter((e) => e.kind === 'opened')
    const resolved = events.filter((e) => e.kind === 'resolved')
    const first = sweeps[0]!.id
    const fixedSweep = sweeps.find((s) => s.source_name === 'acme-fixed')!.id
    assert.ok(opened.length > 0)
    assert.ok(
      opened.every((e) => e.sweep_id === first),
      'an unchanged sweep opened findings',
    )
    assert.ok(resolved.length >= 1)
    assert.ok(
      resolved.every((e) => e.sweep_id === fixedSweep),
      'only the fix resolved findings',
    )

    const got = receiver.received.map((r) => r.json)
    const gotOpened = got
      .filter((e) => e.type === 'finding.opened')
      .map((e) => e.data.finding.id)
      .sort()
    const gotResolved = got
      .filter((e) => e.type === 'finding.resolved')
      .map((e) => e.data.finding.id)
      .sort()
    assert.deepEqual(gotOpened, opened.map((e) => e.finding_id).sort())
    assert.deepEqual(gotResolved, resolved.map((e) => e.finding_id).sort())
    const webhookIds = receiver.received.map((r) => r.headers['webhook-id'])
    assert.equal(new Set(webhookIds).size, webhookIds.length, 'an event was delivered twice')
  })
})
