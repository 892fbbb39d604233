import type { Job } from 'bullmq'
import type { SweepScope } from '../src/org/types.js'
import { finalizeJobId, type ScheduleJobData, sweepJobId } from '../src/queue/names.js'
import { removeScheduler, syncScheduler } from '../src/schedules/scheduler.js'
import { SourceUnavailableError } from '../src/sources/resolver.js'
import type { ScheduleRow } from '../src/store/schema.js'
import { ScheduleBusyError, startSweep } from '../src/sweeps/start.js'
import type { WorkerDeps } from './deps.js'

/**
 * A schedule's firing: start its sweep exactly as POST /v1/sweeps does, unless the sweep it
 * started before is still queued or running; then the firing is recorded as skipped. The sweep's
 * idempotency key is derived from the schedule and the fire time, so a retried firing job (a
 * crashed worker, a lost Redis reply) finds the sweep it already created instead of making another.
 */
export function createScheduleProcessor(deps: WorkerDeps) {
  return async (job: Job<ScheduleJobData>) => {
    const { store, queues, log } = deps
    const { scheduleId } = job.data
    const schedule = await store.schedules.get(scheduleId)
    if (!schedule?.enabled) {
      // Deleted or disabled while this firing was pending (or a stale scheduler): stop it for good.
      await removeScheduler(queues, scheduleId)
      return { skipped: 'schedule is gone or disabled' }
    }
    await healTimetable(deps, job, schedule)

    const firedAt = new Date(fireMillis(job))
    const key = `schedule-${scheduleId}-${firedAt.getTime()}`
    const record = (outcome: 'started' | 'skipped' | 'failed', sweepId?: string, reason?: string) =>
      store.schedules.recordRun({ scheduleId, firedAt, outcome, sweepId, reason })

    const earlier = await store.schedules.sweepByKey(key)
    if (earlier) {
      // Enqueueing is idempotent (the job id comes from the sweep): a no-op unless the job was lost.
      if (earlier.status === 'queued') await queues.enqueueSweep(earlier.id)
      await record('started', earlier.id)
      return { sweepId: earlier.id, replayed: true }
    }
    const skip = async (busyId: string | undefined, resumed = false) => {
      const reason = resumed
        ? `sweep ${busyId} started by this schedule had lost its jobs (Redis flushed?) and was resumed`
        : `sweep ${busyId ?? ''} started by this schedule is still running`
      await record('skipped', undefined, reason)
      log.info(
        { scheduleId, busySweepId: busyId, firedAt, resumed },
        'schedule fired while its sweep is running: skipped',
      )
      return { skipped: 'previous sweep still queued or running', resumed }
    }
    const busy = await store.schedules.activeSweep(scheduleId)
    if (busy) return skip(busy.id, await resumeIfOrphaned(deps, busy.id))

    try {
      const { sweep } = await startSweep(deps, {
        source: { type: schedule.source_kind, name: schedule.source_name },
        scope: schedule.scope as SweepScope,
        requestedBy: `schedule:${scheduleId}`,
        idempotencyKey: key,
        scheduleId,
      })
      await record('started', sweep.id)
      log.info({ scheduleId, sweepId: sweep.id, firedAt }, 'schedule started a sweep')
      return { sweepId: sweep.id }
    } catch (err) {
      // Two firings raced (several workers, a slow firing): the database let one sweep through.
      if (err instanceof ScheduleBusyError) return skip((await store.schedules.activeSweep(scheduleId))?.id)
      const final = err instanceof SourceUnavailableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (final) {
        const reason = err instanceof Error ? err.message : String(err)
        await record('failed', undefined, reason)
        log.warn({ scheduleId, firedAt, reason }, 'schedule could not start a sweep')
      }
      // A missing snapshot will not appear on retry; anything else (Redis, the database) may pass.
      if (err instanceof SourceUnavailableError) return { failed: err.message }
      throw err
    }
  }
}

/**
 * A queued or running sweep with neither its start job nor its finalize job in Redis (a flushed or
 * restored Redis) would block its schedule for ever: its start job is enqueued again, which resumes
 * it (every step of a sweep checks what is already stored). Returns whether it did.
 */
async function resumeIfOrphaned(deps: WorkerDeps, sweepId: string): Promise<boolean> {
  const q = deps.queues.sweeps
  const [start, finalize] = await Promise.all([
    q.getJob(sweepJobId(sweepId)),
    q.getJob(finalizeJobId(sweepId)),
  ])
  if (start || finalize) return false
  await deps.queues.enqueueSweep(sweepId)
  deps.log.warn({ sweepId }, 'a scheduled sweep had no job left in Redis: resumed')
  return true
}

/** The scheduled fire time: BullMQ job scheduler ids end with it (`repeat:<id>:<millis>`). */
function fireMillis(job: Job): number {
  const fromId = Number(job.id?.split(':').at(-1))
  if (Number.isSafeInteger(fromId) && fromId > 0) return fromId
  return job.opts.prevMillis ?? job.timestamp
}

/** A scheduler left with an older timetable (an update raced a reconciliation) is set right. */
async function healTimetable(deps: WorkerDeps, job: Job, schedule: ScheduleRow) {
  const repeat = (job.opts as { repeat?: { pattern?: string; tz?: string } }).repeat
  if (repeat && (repeat.pattern !== schedule.cron || repeat.tz !== schedule.timezone)) {
    await syncScheduler(deps.queues, schedule)
  }
}
