import { randomUUID } from 'node:crypto'
import type { SweepScope } from '../org/types.js'
import type { Queues } from '../queue/producer.js'
import type { SourceResolver } from '../sources/resolver.js'
import type { Store } from '../store/index.js'
import type { SweepRow } from '../store/schema.js'

/**
 * Starting a sweep, the one way both POST /v1/sweeps and a schedule's firing do it: check the
 * source, record the sweep (queued, with the settings in force) and enqueue its job.
 */

export interface SweepRequest {
  source: { type: 'aws' | 'snapshot'; name: string }
  scope: SweepScope
  requestedBy: string
  idempotencyKey?: string | undefined
  scheduleId?: string | undefined
}

export interface StartSweepDeps {
  store: Store
  queues: Queues
  sources: SourceResolver
}

/** Redis refused the job; the sweep was taken back, nothing was started. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError'
}

/** The schedule already has a queued or running sweep (the database refuses a second one). */
export class ScheduleBusyError extends Error {
  override readonly name = 'ScheduleBusyError'
}

const ONE_ACTIVE_PER_SCHEDULE = 'sweeps_one_active_per_schedule'

/**
 * Throws SourceUnavailableError (unknown snapshot, AWS source not configured), ScheduleBusyError
 * or QueueUnavailableError. With an idempotency key already used, returns that sweep (created false).
 */
export async function startSweep(
  deps: StartSweepDeps,
  req: SweepRequest,
): Promise<{ sweep: SweepRow; created: boolean }> {
  const { store } = deps
  await deps.sources.resolve(req.source.type, req.source.name)
  let result: { sweep: SweepRow; created: boolean }
  try {
    result = await store.sweeps.create({
      id: randomUUID(),
      sourceKind: req.source.type,
      sourceName: req.source.name,
      scope: req.scope,
      requestedBy: req.requestedBy,
      idempotencyKey: req.idempotencyKey,
      scheduleId: req.scheduleId,
      settings: (await store.settings.get()).value,
    })
  } catch (err) {
    if (violates(err, ONE_ACTIVE_PER_SCHEDULE)) {
      throw new ScheduleBusyError(`schedule ${req.scheduleId} already has a queued or running sweep`)
    }
    throw err
  }
  if (result.created) {
    try {
      await deps.queues.enqueueSweep(result.sweep.id)
    } catch (err) {
      // Without its job the sweep would sit queued forever: take it back and say why.
      await store.handle.db.deleteFrom('sweeps').where('id', '=', result.sweep.id).execute()
      throw new QueueUnavailableError('the job queue (Redis) is unavailable; nothing was started', {
        cause: err,
      })
    }
  }
  return result
}

/** A unique violation of the named index (node-postgres and PGlite both report code and constraint). */
function violates(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown }
  return (
    e?.code === '23505' &&
    (e.constraint === constraint || (typeof e.message === 'string' && e.message.includes(constraint)))
  )
}
