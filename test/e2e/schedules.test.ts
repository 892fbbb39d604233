import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Job } from 'bullmq'
import { pino } from 'pino'
import { createPolicyCatalogs } from '../../src/assess/guardrails.js'
import { createRedis } from '../../src/queue/redis.js'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { ScheduleBusyError, startSweep } from '../../src/sweeps/start.js'
import { startWorkers } from '../../workers/index.js'
import { createScheduleProcessor } from '../../workers/schedule-processor.js'
import {
  createTestContext,
  REDIS_URL,
  STORE_KINDS,
  type TestContext,
  waitForSweep,
} from '../helpers/context.js'
import { waitFor } from '../helpers/wait.js'

const DEMO = { type: 'snapshot', name: 'demo-org' }
const EVERY_SECOND = '* * * * * *'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const scheduleSweeps = (ctx: TestContext, scheduleId: string) =>
  ctx.store.handle.db
    .selectFrom('sweeps')
    .selectAll()
    .where('requested_by', '=', `schedule:${scheduleId}`)
    .orderBy('created_at')
    .execute()

async function createSchedule(ctx: TestContext, body: object) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/schedules',
    headers: ctx.auth(),
    payload: body,
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string }
}

const readSchedule = async (ctx: TestContext, id: string) =>
  (await ctx.app.inject({ method: 'GET', url: `/v1/schedules/${id}`, headers: ctx.auth('read') })).json()

describe('a schedule firing every second, with sweeps that take longer than that', () => {
  let ctx: TestContext
  before(async () => {
    // 7 accounts at 4 at a time, 700 ms each: a sweep lasts about 1.5 s, longer than the period.
    ctx = await createTestContext({ sources: createSourceResolver({ snapshotLatencyMs: 700 }) })
  })
  after(() => ctx.close())

  test('starts sweeps of the demo snapshot, never two at once, and records the firings it skipped', async () => {
    const s = await createSchedule(ctx, { name: 'busy', cron: EVERY_SECOND, source: DEMO })
    const view = await waitFor('two sweeps started and one firing skipped', async () => {
      const v = await readSchedule(ctx, s.id)
      return v.runs.started >= 2 && v.runs.skipped >= 1 ? v : undefined
    })
    const off = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/schedules/${s.id}`,
      headers: ctx.auth(),
      payload: { enabled: false },
    })
    assert.equal(off.statusCode, 200)

    const sweeps = await scheduleSweeps(ctx, s.id)
    for (const sw of sweeps) await waitForSweep(ctx, sw.id)
    const done = await scheduleSweeps(ctx, s.id)
    assert.ok(done.length >= 2)
    for (const sw of done) {
      assert.equal(sw.status, 'completed')
      assert.equal(sw.source_name, 'demo-org')
      assert.equal(sw.schedule_id, s.id)
      assert.equal(sw.total, 8)
    }
    // No overlap: each sweep was created after the previous one had finished.
    for (let i = 1; i < done.length; i++) {
      assert.ok(
        done[i]!.created_at.getTime() >= done[i - 1]!.finished_at!.getTime(),
        `sweep ${i} started at ${done[i]!.created_at.toISOString()} before sweep ${i - 1} finished`,
      )
    }

    // GET shows the sweeps it started and the skipped firings, newest first, and the totals.
    const final = await readSchedule(ctx, s.id)
    assert.equal(final.nextRunAt, null)
    const started = final.recentRuns.filter((r: { outcome: string }) => r.outcome === 'started')
    const skipped = final.recentRuns.filter((r: { outcome: string }) => r.outcome === 'skipped')
    assert.deepEqual(
      started.map((r: { sweepId: string }) => r.sweepId),
      done.map((sw) => sw.id).reverse(),
    )
    assert.ok(started.every((r: { sweepStatus: string }) => r.sweepStatus === 'completed'))
    assert.ok(skipped.length >= view.runs.skipped)
    assert.equal(final.runs.started, done.length)
    assert.equal(final.runs.skipped, skipped.length)
    assert.equal(final.runs.lastSkippedAt, skipped[0].firedAt)
    // Each skipped firing came due while a sweep of this schedule was queued or running.
    for (const r of skipped) {
      const at = Date.parse(r.firedAt)
      assert.ok(
        done.some((sw) => sw.created_at.getTime() <= at && at <= sw.finished_at!.getTime()),
        `skipped firing at ${r.firedAt} fell outside every sweep`,
      )
      assert.match(r.reason, /still running/)
    }
    const firedAt = final.recentRuns.map((r: { firedAt: string }) => Date.parse(r.firedAt))
    assert.deepEqual(
      firedAt,
      [...firedAt].sort((a, b) => b - a),
    )
    // Whole seconds: the cron timetable, not whenever a worker happened to run.
    assert.ok(firedAt.every((t: number) => t % 1000 === 0))

    // The full history pages with a cursor and filters by outcome.
    const page = await ctx.app.inject({
      method: 'GET',
      url: `/v1/schedules/${s.id}/runs?limit=1&outcome=skipped`,
      headers: ctx.auth('read'),
    })
    assert.equal(page.json().items.length, 1)
    assert.equal(page.json().items[0].outcome, 'skipped')
    assert.equal(typeof page.json().nextCursor, skipped.length > 1 ? 'string' : 'object')
  })

  test('disabling stops the firings; enabling starts them again; deleting stops them for good', async () => {
    const s = await createSchedule(ctx, { name: 'toggle', cron: EVERY_SECOND, source: DEMO, enabled: false })
    await sleep(2_000)
    assert.equal((await readSchedule(ctx, s.id)).runs.lastFiredAt, null, 'a disabled schedule fired')

    const on = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/schedules/${s.id}`,
      headers: ctx.auth(),
      payload: { enabled: true },
    })
    assert.ok(Date.parse(on.json().nextRunAt) <= Date.now() + 1_000)
    await waitFor('a firing after enabling', async () =>
      (await scheduleSweeps(ctx, s.id)).length > 0 ? true : undefined,
    )

    const del = await ctx.app.inject({ method: 'DELETE', url: `/v1/schedules/${s.id}`, headers: ctx.auth() })
    assert.equal(del.statusCode, 204)
    const atDelete = (await scheduleSweeps(ctx, s.id)).length
    await sleep(2_500)
    const later = await scheduleSweeps(ctx, s.id)
    assert.equal(later.length, atDelete, 'a deleted schedule started a sweep')
    // The sweeps it started stay, and still say which schedule asked for them.
    for (const sw of later) {
      await waitForSweep(ctx, sw.id)
      assert.equal(sw.requested_by, `schedule:${s.id}`)
    }
    assert.equal(await ctx.queues.schedules.getJobScheduler(`schedule-${s.id}`), undefined)
  })
})

for (const kind of STORE_KINDS) {
  describe(`schedule firings on ${kind}: retries and races`, () => {
    let ctx: TestContext
    before(async () => {
      // No workers: the processor is called directly, as BullMQ would call it.
      ctx = await createTestContext({ store: kind, workers: false })
    })
    after(() => ctx.close())

    const processor = () =>
      createScheduleProcessor({
        store: ctx.store,
        queues: ctx.queues,
        sources: ctx.sources,
        log: pino({ level: 'silent' }),
        catalogs: createPolicyCatalogs(),
        guardrails: { allowedRegions: ['eu-west-1'], auditRoleName: 'OrgwardenAudit' },
      })
    const firing = (scheduleId: string, millis: number, attemptsMade = 0) =>
      ({
        id: `repeat:schedule-${scheduleId}:${millis}`,
        name: 'schedule-fire',
        data: { scheduleId },
        opts: { attempts: 5, prevMillis: millis, repeat: { pattern: '0 4 * * *', tz: 'UTC' } },
        attemptsMade,
        timestamp: millis,
      }) as unknown as Job<{ scheduleId: string }>

    test('a retried firing creates no second sweep and records one run', async () => {
      const s = await createSchedule(ctx, { name: 'retry', cron: '0 4 * * *', source: DEMO })
      const fire = processor()
      const at = Date.parse('2026-12-01T04:00:00Z')
      const first = (await fire(firing(s.id, at))) as { sweepId: string }
      const again = (await fire(firing(s.id, at, 1))) as { sweepId: string; replayed: boolean }
      assert.equal(again.sweepId, first.sweepId)
      assert.equal(again.replayed, true)
      const sweeps = await scheduleSweeps(ctx, s.id)
      assert.equal(sweeps.length, 1)
      assert.equal(sweeps[0]!.status, 'queued')
      // Its job is in the queue once (enqueueing again is a no-op).
      assert.equal(await ctx.queues.sweeps.getJobCountByTypes('waiting', 'prioritized'), 1)
      const v = await readSchedule(ctx, s.id)
      assert.equal(v.runs.started, 1)
      assert.deepEqual(
        v.recentRuns.map((r: { outcome: string; firedAt: string }) => [r.outcome, r.firedAt]),
        [['started', '2026-12-01T04:00:00.000Z']],
      )
      // The next day's firing finds that sweep still queued: skipped, and counted.
      await fire(firing(s.id, at + 86_400_000))
      const w = await readSchedule(ctx, s.id)
      assert.deepEqual(
        [w.runs.started, w.runs.skipped, w.runs.lastSkippedAt],
        [1, 1, '2026-12-02T04:00:00.000Z'],
      )
      await ctx.queues.sweeps.obliterate({ force: true })
    })

    test('four firings racing (several workers) start one sweep; the other three are recorded as skipped', async () => {
      const s = await createSchedule(ctx, { name: 'race', cron: '0 4 * * *', source: DEMO })
      const at = Date.parse('2026-12-03T04:00:00Z')
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => processor()(firing(s.id, at + i * 1000))),
      )
      assert.equal(results.filter((r) => 'sweepId' in (r as object)).length, 1, JSON.stringify(results))
      assert.equal((await scheduleSweeps(ctx, s.id)).length, 1)
      const v = await readSchedule(ctx, s.id)
      assert.deepEqual([v.runs.started, v.runs.skipped], [1, 3])
      await ctx.queues.sweeps.obliterate({ force: true })
    })

    test('the database itself refuses a second queued or running sweep of one schedule', async () => {
      const s = await createSchedule(ctx, { name: 'direct', cron: '0 4 * * *', source: DEMO })
      const deps = { store: ctx.store, queues: ctx.queues, sources: ctx.sources }
      const req = {
        source: { type: 'snapshot' as const, name: 'demo-org' },
        scope: { all: true, organizationalUnitIds: [], accountIds: [] },
        requestedBy: `schedule:${s.id}`,
        scheduleId: s.id,
      }
      const { sweep } = await startSweep(deps, req)
      await assert.rejects(startSweep(deps, req), ScheduleBusyError)
      await ctx.store.sweeps.finish(sweep.id)
      const next = await startSweep(deps, req)
      assert.notEqual(next.sweep.id, sweep.id)
      await ctx.queues.sweeps.obliterate({ force: true })
    })

    test('a sweep whose jobs Redis lost does not block its schedule for ever: the next firing resumes it', async () => {
      const s = await createSchedule(ctx, { name: 'orphan', cron: '0 4 * * *', source: DEMO })
      const fire = processor()
      const first = (await fire(firing(s.id, Date.parse('2026-12-06T04:00:00Z')))) as { sweepId: string }
      await ctx.queues.sweeps.obliterate({ force: true })
      assert.equal(await ctx.queues.sweeps.getJob(`sweep-${first.sweepId}`), undefined)
      const next = await fire(firing(s.id, Date.parse('2026-12-07T04:00:00Z')))
      assert.deepEqual(next, { skipped: 'previous sweep still queued or running', resumed: true })
      assert.ok(await ctx.queues.sweeps.getJob(`sweep-${first.sweepId}`), 'the sweep job is back')
      // With its job there, the next firing just skips.
      const third = await fire(firing(s.id, Date.parse('2026-12-08T04:00:00Z')))
      assert.deepEqual(third, { skipped: 'previous sweep still queued or running', resumed: false })
      const runs = (await readSchedule(ctx, s.id)).recentRuns
      assert.match(runs[1].reason, /resumed/)
      assert.match(runs[0].reason, /still running/)
      await ctx.queues.sweeps.obliterate({ force: true })
    })

    test('a schedule whose snapshot disappeared records a failed run and does not retry', async () => {
      const s = await createSchedule(ctx, { name: 'gone', cron: '0 4 * * *', source: DEMO })
      await ctx.store.handle.db
        .updateTable('schedules')
        .set({ source_name: 'no-such-snapshot' })
        .where('id', '=', s.id)
        .execute()
      const r = (await processor()(firing(s.id, Date.parse('2026-12-04T04:00:00Z')))) as { failed: string }
      assert.match(r.failed, /no-such-snapshot/)
      const v = await readSchedule(ctx, s.id)
      assert.equal(v.runs.failed, 1)
      assert.equal(v.recentRuns[0].outcome, 'failed')
      assert.match(v.recentRuns[0].reason, /no-such-snapshot/)
      assert.equal((await scheduleSweeps(ctx, s.id)).length, 0)
    })

    test('a firing of a disabled schedule starts nothing and removes its scheduler', async () => {
      const s = await createSchedule(ctx, { name: 'stale', cron: '0 4 * * *', source: DEMO })
      await ctx.store.handle.db
        .updateTable('schedules')
        .set({ enabled: false })
        .where('id', '=', s.id)
        .execute()
      assert.ok(await ctx.queues.schedules.getJobScheduler(`schedule-${s.id}`))
      await processor()(firing(s.id, Date.parse('2026-12-05T04:00:00Z')))
      assert.equal((await scheduleSweeps(ctx, s.id)).length, 0)
      assert.equal(await ctx.queues.schedules.getJobScheduler(`schedule-${s.id}`), undefined)
    })
  })
}

describe('worker start-up reconciles job schedulers with the table', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ workers: false })
  })
  after(() => ctx.close())

  test('a flushed Redis heals: enabled schedules come back, disabled and orphan schedulers go', async () => {
    const kept = await createSchedule(ctx, {
      name: 'kept',
      cron: '0 3 * * *',
      timezone: 'Asia/Tokyo',
      source: DEMO,
    })
    const off = await createSchedule(ctx, { name: 'off', cron: '0 3 * * *', source: DEMO, enabled: false })
    const moved = await createSchedule(ctx, { name: 'moved', cron: '0 3 * * *', source: DEMO })
    const q = ctx.queues.schedules
    // Redis loses everything, then gets a scheduler nobody owns and one with an old timetable.
    await q.obliterate({ force: true })
    assert.equal((await q.getJobSchedulers()).length, 0)
    await q.upsertJobScheduler('schedule-00000000-0000-4000-8000-000000000000', { pattern: '* * * * *' })
    await q.upsertJobScheduler(`schedule-${moved.id}`, { pattern: '0 9 * * *', tz: 'UTC' })
    assert.equal((await readSchedule(ctx, kept.id)).nextRunAt, null)

    const connection = createRedis(REDIS_URL, 'worker')
    const workers = startWorkers(
      {
        store: ctx.store,
        queues: ctx.queues,
        sources: ctx.sources,
        log: pino({ level: 'silent' }),
        catalogs: createPolicyCatalogs(),
        guardrails: { allowedRegions: ['eu-west-1'], auditRoleName: 'OrgwardenAudit' },
      },
      { connection, prefix: ctx.prefix, accountConcurrency: 1 },
    )
    try {
      await workers.schedulesReconciled
      const byKey = new Map((await q.getJobSchedulers()).map((s) => [s.key, s]))
      assert.deepEqual([...byKey.keys()].sort(), [`schedule-${kept.id}`, `schedule-${moved.id}`].sort())
      assert.equal(byKey.get(`schedule-${kept.id}`)?.tz, 'Asia/Tokyo')
      assert.equal(byKey.get(`schedule-${moved.id}`)?.pattern, '0 3 * * *')
      const v = await readSchedule(ctx, kept.id)
      assert.equal(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Asia/Tokyo',
          hour: '2-digit',
          minute: '2-digit',
        }).format(new Date(v.nextRunAt)),
        '03:00',
      )
      assert.equal((await readSchedule(ctx, off.id)).nextRunAt, null)
    } finally {
      await workers.close()
      await connection.quit()
    }
  })

  test('a Redis flushed while the workers run heals at the next periodic check', async () => {
    const s = await createSchedule(ctx, { name: 'periodic', cron: '0 4 * * *', source: DEMO })
    const connection = createRedis(REDIS_URL, 'worker')
    const workers = startWorkers(
      {
        store: ctx.store,
        queues: ctx.queues,
        sources: ctx.sources,
        log: pino({ level: 'silent' }),
        catalogs: createPolicyCatalogs(),
        guardrails: { allowedRegions: ['eu-west-1'], auditRoleName: 'OrgwardenAudit' },
      },
      { connection, prefix: ctx.prefix, accountConcurrency: 1, schedulesReconcileMs: 200 },
    )
    try {
      await workers.schedulesReconciled
      await ctx.queues.schedules.removeJobScheduler(`schedule-${s.id}`)
      assert.equal((await readSchedule(ctx, s.id)).nextRunAt, null)
      const back = await waitFor(
        'the scheduler to come back',
        async () => (await readSchedule(ctx, s.id)).nextRunAt ?? undefined,
        5_000,
      )
      assert.match(back, /T04:00:00\.000Z$/)
    } finally {
      await workers.close()
      await connection.quit()
    }
  })
})
