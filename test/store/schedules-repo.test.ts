import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/store/index.js'
import { createSchedulesRepo } from '../../src/store/schedules-repo.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'

const scope = { all: true, organizationalUnitIds: [], accountIds: [] }

for (const kind of STORE_KINDS) {
  describe(`schedules repository on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    before(async () => {
      ;({ store, close } = await openTestStore(kind))
    })
    after(() => close())

    const newSchedule = async () =>
      (
        await store.schedules.create({
          id: randomUUID(),
          name: 'n',
          cron: '0 2 * * *',
          timezone: 'UTC',
          scope,
          sourceKind: 'snapshot',
          sourceName: 'demo-org',
          enabled: true,
          createdBy: 'test',
        })
      ).schedule

    test('a run is recorded once per fire time; totals count every outcome', async () => {
      const s = await newSchedule()
      const t = (h: number) => new Date(Date.UTC(2026, 11, 1, h))
      assert.equal(
        await store.schedules.recordRun({ scheduleId: s.id, firedAt: t(1), outcome: 'skipped' }),
        true,
      )
      assert.equal(
        await store.schedules.recordRun({ scheduleId: s.id, firedAt: t(1), outcome: 'skipped' }),
        false,
      )
      await store.schedules.recordRun({ scheduleId: s.id, firedAt: t(3), outcome: 'failed', reason: 'gone' })
      await store.schedules.recordRun({ scheduleId: s.id, firedAt: t(2), outcome: 'skipped' })
      const row = (await store.schedules.get(s.id))!
      assert.deepEqual([row.runs_started, row.runs_skipped, row.runs_failed], [0, 2, 1])
      // Recorded out of order, the latest times still win.
      assert.deepEqual([row.last_fired_at, row.last_skipped_at], [t(3), t(2)])
      const runs = await store.schedules.runs(s.id, { limit: 10 })
      assert.deepEqual(
        runs.map((r) => [r.firedAt, r.outcome]),
        [
          [t(3), 'failed'],
          [t(2), 'skipped'],
          [t(1), 'skipped'],
        ],
      )
      const older = await store.schedules.runs(s.id, { limit: 10, before: t(3), outcome: 'skipped' })
      assert.deepEqual(
        older.map((r) => r.firedAt),
        [t(2), t(1)],
      )
    })

    test('only the newest runs are kept; the totals keep counting', async () => {
      const repo = createSchedulesRepo(store.handle.db, { keepRuns: 3 })
      const s = await newSchedule()
      for (let i = 0; i < 5; i++) {
        await repo.recordRun({
          scheduleId: s.id,
          firedAt: new Date(Date.UTC(2026, 11, 2, i)),
          outcome: 'skipped',
        })
      }
      const runs = await repo.runs(s.id, { limit: 10 })
      assert.deepEqual(
        runs.map((r) => r.firedAt.getUTCHours()),
        [4, 3, 2],
      )
      assert.equal((await repo.get(s.id))!.runs_skipped, 5)
    })

    test('deleting a schedule deletes its runs and keeps its sweeps', async () => {
      const s = await newSchedule()
      const { sweep } = await store.sweeps.create({
        id: randomUUID(),
        sourceKind: 'snapshot',
        sourceName: 'demo-org',
        scope,
        requestedBy: `schedule:${s.id}`,
        scheduleId: s.id,
      })
      await store.schedules.recordRun({
        scheduleId: s.id,
        firedAt: new Date(),
        outcome: 'started',
        sweepId: sweep.id,
      })
      assert.equal((await store.schedules.activeSweep(s.id))?.id, sweep.id)
      assert.equal(await store.schedules.delete(s.id), true)
      assert.equal(await store.schedules.delete(s.id), false)
      const kept = await store.sweeps.get(sweep.id)
      assert.equal(kept?.schedule_id, null)
      assert.equal(kept?.requested_by, `schedule:${s.id}`)
      assert.deepEqual(await store.schedules.runs(s.id, { limit: 10 }), [])
    })
  })
}
