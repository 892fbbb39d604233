import type { Store } from '../store/index.js'
import type { SweepRow } from '../store/schema.js'
import { Errors } from './errors.js'

/**
 * The sweep a read refers to: the one named by `sweepId`, or else the newest completed sweep.
 * Answers are always about one sweep, so a portal never mixes two organizations' states.
 */
export async function sweepFor(store: Store, sweepId: string | undefined): Promise<SweepRow> {
  if (sweepId) {
    const row = await store.sweeps.get(sweepId)
    if (!row) throw new Errors.NotFound(`sweep ${sweepId} does not exist`)
    return row
  }
  const latest = await store.sweeps.latestCompleted()
  if (!latest) throw new Errors.NotFound('no sweep has completed yet: start one with POST /v1/sweeps')
  return latest
}
