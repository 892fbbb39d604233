import { DelayedError, type Job } from 'bullmq'
import type { OnAccountsFound, OrgSource } from '../src/org/source.js'
import { buildOrgTree } from '../src/org/tree.js'
import type { OrgSnapshot, SweepScope } from '../src/org/types.js'
import { JOB, type SweepJobData } from '../src/queue/names.js'
import type { AccountPlan } from '../src/store/sweeps-repo.js'
import { enqueueSweepDispatch } from '../src/webhooks/jobs.js'
import type { WorkerDeps } from './deps.js'

/** How long an organization read handed back by a closing worker waits before another takes it. */
const HAND_BACK_DELAY_MS = 1_000

/**
 * The `sweeps` queue carries three kinds of job for a sweep:
 * - `sweep`: read the organization, store it with the plan of accounts, fan out account jobs (for
 *   a whole-organization sweep, each parent's accounts as soon as the read lists them);
 * - `finalize`: the flow parent of those account jobs, run once they have all ended;
 * - `tags`: for sources that read account tags apart (AWS), refresh the stale ones beside the
 *   account phase: one call per account at a few per second would otherwise hold up every sweep.
 * All are safe to run again after a crash: every step checks what is already stored.
 */
export function createSweepProcessor(deps: WorkerDeps) {
  // Three parameters, so that BullMQ gives each job an abort signal: startWorkers aborts them when
  // the worker closes. The organization read and the tag refresh listen to it.
  return async (job: Job<SweepJobData>, token?: string, signal?: AbortSignal) => {
    if (job.name === JOB.finalize) return finalize(deps, job)
    if (job.name === JOB.tags) return refreshTags(deps, job, signal)
    try {
      return await start(deps, job, signal)
    } catch (err) {
      // The worker is closing: the read goes back to the queue for another worker, in a second
      // instead of after its lock expires (it starts over; every step is safe to run again).
      // Delayed, not waiting: this worker, until its fetch loop has stopped, would take it again.
      if (signal?.aborted) {
        deps.log.info({ sweepId: job.data.sweepId }, 'worker closing: organization read handed back')
        await job.moveToDelayed(Date.now() + HAND_BACK_DELAY_MS, token)
        throw new DelayedError()
      }
      const attempts = job.opts.attempts ?? 1
      if (job.attemptsMade + 1 >= attempts) {
        const message = err instanceof Error ? err.message : String(err)
        await deps.store.sweeps.finish(job.data.sweepId, {
          error: `reading the organization failed: ${message}`,
        })
        await enqueueSweepDispatch(deps.queues.webhooks, job.data.sweepId)
      }
      throw err
    }
  }
}

async function start(deps: WorkerDeps, job: Job<SweepJobData>, signal?: AbortSignal) {
  const { sweepId } = job.data
  const { store, log } = deps
  const sweep = await store.sweeps.get(sweepId)
  if (!sweep || !(await store.sweeps.markRunning(sweepId)))
    return { skipped: 'sweep is gone or already finished' }
  if (sweep.cancel_requested) {
    await store.sweeps.finish(sweepId)
    return { cancelled: true }
  }

  let accountIds = await store.sweeps.plannedAccountIds(sweepId)
  const source = await deps.sources.resolve(sweep.source_kind, sweep.source_name)
  if (!sweep.org_read_at) {
    // A sweep of the whole organization plans every ACTIVE account, so each can start as soon
    // as the read finds it; a narrower scope is resolved against the whole tree first.
    const onAccounts: OnAccountsFound | undefined = (sweep.scope as SweepScope).all
      ? async (found) => {
          const plan = found
            .filter((a) => a.status === 'ACTIVE')
            .map((a) => ({ accountId: a.id, accountName: a.name, ouPath: a.ouPath }))
          if (plan.length === 0) return
          await store.sweeps.planAccounts(sweepId, plan)
          await deps.queues.enqueueEarlyAccounts(
            sweepId,
            plan.map((a) => a.accountId),
          )
        }
      : undefined
    const org = await source.readOrganization(signal, onAccounts)
    if (source.readAccountTags) await withKeptTags(deps, org)
    const tree = buildOrgTree(org)
    const scope = tree.resolveScope(sweep.scope as Parameters<typeof tree.resolveScope>[0])
    if (scope.unknownIds.length > 0) {
      await store.sweeps.finish(sweepId, {
        error: `scope names ids that are not in the organization: ${scope.unknownIds.join(', ')}`,
      })
      await enqueueSweepDispatch(deps.queues.webhooks, sweepId)
      return { failed: 'unknown scope ids' }
    }
    const plan: AccountPlan[] = scope.accountIds.map((id) => ({
      accountId: id,
      accountName: tree.account(id)?.name ?? id,
      ouPath: tree.orgPath(id),
    }))
    await store.sweeps.recordPlan(sweepId, org, plan)
    accountIds = await store.sweeps.plannedAccountIds(sweepId)
    log.info(
      { sweepId, accounts: accountIds.length, organizationId: org.organization.id },
      'organization read',
    )
  }

  // Re-adding the flow after a crash is harmless: job ids are derived from the sweep and account.
  await deps.queues.enqueueAccounts(sweepId, accountIds)
  // Accounts collected before the organization was stored wait for it, delayed: run them now.
  // (A job waiting out a retry backoff is run early too.)
  await deps.queues.wakeAccounts(sweepId, await store.sweeps.startedAccountIds(sweepId))
  if (source.readAccountTags) await deps.queues.enqueueTagRefresh(sweepId)
  return { accounts: accountIds.length }
}

/** The organization as read, with the tags the store keeps for its accounts. */
async function withKeptTags(deps: WorkerDeps, org: OrgSnapshot): Promise<void> {
  const kept = await deps.store.accountTags.get(org.accounts.map((a) => a.id))
  org.accounts = org.accounts.map((a) => ({ ...a, tags: kept.get(a.id) ?? a.tags }))
}

const DAY_MS = 24 * 3_600_000

/**
 * Reads the tags of the sweep's accounts whose kept copy is older than the configured age (or
 * missing), saving them as they come. A refusal is logged and the old copies stay; the sweep
 * itself never waits for this job nor fails with it. When the worker closes (`signal`), the read
 * stops and the job ends: the tags saved so far stay, the rest are still stale for the next sweep.
 * At a few calls a second a large organization's refresh takes minutes, longer than a shutdown
 * may wait.
 */
async function refreshTags(deps: WorkerDeps, job: Job<SweepJobData>, signal?: AbortSignal) {
  const { sweepId } = job.data
  const sweep = await deps.store.sweeps.get(sweepId)
  if (!sweep) return { skipped: 'sweep is gone' }
  const source: OrgSource = await deps.sources.resolve(sweep.source_kind, sweep.source_name)
  const org = await deps.store.sweeps.orgSnapshot(sweepId)
  if (!source.readAccountTags || !org) return { skipped: 'nothing to refresh' }
  const maxAgeMs = deps.accountTagsMaxAgeMs ?? DAY_MS
  const stale = await deps.store.accountTags.stale(
    org.accounts.map((a) => a.id),
    new Date(Date.now() - maxAgeMs),
  )
  if (stale.length === 0) return { read: 0 }
  const started = performance.now()
  const result = await source
    .readAccountTags(stale, (tags) => deps.store.accountTags.save(tags), signal)
    .catch((err) => {
      if (signal?.aborted) return undefined
      throw err
    })
  if (!result) {
    deps.log.info(
      { sweepId, stale: stale.length, durationMs: Math.round(performance.now() - started) },
      'account tags refresh stopped: the worker is closing; the tags not read wait for the next sweep',
    )
    return { stopped: 'the worker closed' }
  }
  deps.log.info(
    {
      sweepId,
      stale: stale.length,
      read: result.read,
      durationMs: Math.round(performance.now() - started),
      ...(result.warning ? { warning: result.warning } : {}),
    },
    'account tags refreshed',
  )
  return result
}

async function finalize(deps: WorkerDeps, job: Job<SweepJobData>) {
  const sweep = await deps.store.sweeps.finish(job.data.sweepId)
  if (sweep) {
    const ms =
      sweep.finished_at && sweep.started_at ? sweep.finished_at.getTime() - sweep.started_at.getTime() : null
    deps.log.info(
      {
        sweepId: sweep.id,
        status: sweep.status,
        total: sweep.total,
        collected: sweep.collected,
        unreachable: sweep.unreachable,
        failed: sweep.failed,
        durationMs: ms,
      },
      'sweep finished',
    )
    // Webhooks hear about the sweep's events; one dispatch job per sweep, however often this runs.
    if (sweep.status !== 'cancelled') await enqueueSweepDispatch(deps.queues.webhooks, sweep.id)
  }
  return { status: sweep?.status }
}
