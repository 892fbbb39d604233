import type { Logger } from 'pino'
import { JOB, scheduleSchedulerId } from '../queue/names.js'
import type { Queues } from '../queue/producer.js'
import type { Store } from '../store/index.js'

/**
 * The BullMQ side of schedules: one job scheduler per enabled schedule in the `schedules` queue.
 * BullMQ keeps exactly one pending firing per scheduler in Redis, so several worker processes
 * fire a schedule once. The database is the source of truth; these functions bring Redis in line.
 */

export interface Timetable {
  id: string
  cron: string
  timezone: string
  enabled: boolean
}

const FIRE_OPTS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1_000 },
}

/** Registers (or replaces) the schedule's job scheduler when enabled; removes it when not. */
export async function syncScheduler(queues: Queues, s: Timetable): Promise<void> {
  if (!s.enabled) {
    await removeScheduler(queues, s.id)
    return
  }
  await queues.schedules.upsertJobScheduler(
    scheduleSchedulerId(s.id),
    { pattern: s.cron, tz: s.timezone },
    { name: JOB.scheduleFire, data: { scheduleId: s.id }, opts: FIRE_OPTS },
  )
}

export async function removeScheduler(queues: Queues, scheduleId: string): Promise<void> {
  await queues.schedules.removeJobScheduler(scheduleSchedulerId(scheduleId))
}

/** When BullMQ will fire the schedule next; null when it has no scheduler (disabled). */
export async function nextRunAt(queues: Queues, scheduleId: string): Promise<Date | null> {
  const scheduler = await queues.schedules.getJobScheduler(scheduleSchedulerId(scheduleId))
  return scheduler?.next ? new Date(scheduler.next) : null
}

/**
 * Makes Redis match the table: every enabled schedule has a scheduler with its cron and time zone,
 * and no other scheduler is left. Run at worker start-up, so a flushed or restored Redis heals.
 * Schedulers are read before the table: a scheduler created after a row was committed is never
 * mistaken for an orphan. A firing of a schedule deleted meanwhile removes its own scheduler.
 */
export async function reconcileSchedulers(
  store: Store,
  queues: Queues,
  log: Pick<Logger, 'info'>,
): Promise<{ upserted: number; removed: number }> {
  const schedulers = await queues.schedules.getJobSchedulers()
  const rows = await store.schedules.timings()
  const wanted = new Map(rows.filter((r) => r.enabled).map((r) => [scheduleSchedulerId(r.id), r]))
  let removed = 0
  for (const s of schedulers) {
    if (!wanted.has(s.key)) {
      await queues.schedules.removeJobScheduler(s.key)
      removed++
    }
  }
  const present = new Map(schedulers.map((s) => [s.key, s]))
  let upserted = 0
  for (const [key, row] of wanted) {
    const s = present.get(key)
    if (s && s.pattern === row.cron && (s.tz ?? 'UTC') === row.timezone) continue
    await syncScheduler(queues, row)
    upserted++
  }
  if (upserted || removed) log.info({ upserted, removed }, 'schedules: job schedulers reconciled')
  return { upserted, removed }
}
