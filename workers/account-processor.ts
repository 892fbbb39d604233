import { DelayedError, type Job } from 'bullmq'
import { assessFindings } from '../src/assess/findings.js'
import { judgeGuardrails } from '../src/assess/guardrails.js'
import type { AccountState } from '../src/org/account-state.js'
import { AccountUnreachableError } from '../src/org/source.js'
import { buildOrgTree, type OrgTree } from '../src/org/tree.js'
import type { AccountJobData } from '../src/queue/names.js'
import { SourceUnavailableError } from '../src/sources/resolver.js'
import type { OrgSettings } from '../src/store/settings-repo.js'
import { type AccountResults, KEPT } from '../src/store/sweeps-repo.js'
import type { WorkerDeps } from './deps.js'

/** How long a job that kept its account waits, at most, before it looks for the organization again. */
const KEPT_RECHECK_MS = 30_000
const ORGANIZATION_POLL_MS = 250

/**
 * Collects one account and writes its results in one transaction. Idempotent: an account that
 * already has an outcome is skipped, so a job redelivered after a crash never writes twice.
 * Unreachable accounts are an outcome, not a failure: the job ends normally and the sweep goes on.
 *
 * Jobs can start while the organization is still being read (its SCPs unknown): such a job
 * collects, keeps the state (`deferAccount`) and waits, delayed, until the sweep has stored the
 * organization and wakes it; it then judges the kept state. An account found unreachable before
 * then waits in its job for the organization, to judge its guardrails.
 */
export function createAccountProcessor(deps: WorkerDeps) {
  // Every account job of a sweep needs the sweep's org tree; parse it once per sweep, not per job.
  const trees = new Map<string, Promise<OrgTree>>()
  function treeOf(sweepId: string): Promise<OrgTree> {
    let tree = trees.get(sweepId)
    if (!tree) {
      tree = deps.store.sweeps.orgSnapshot(sweepId).then((org) => {
        if (!org) throw new Error(`sweep ${sweepId} has no organization snapshot`)
        return buildOrgTree(org)
      })
      tree.catch(() => trees.delete(sweepId))
      if (trees.size >= 4) trees.delete(trees.keys().next().value!)
      trees.set(sweepId, tree)
    }
    return tree
  }

  async function assess(
    sweepId: string,
    accountId: string,
    state: AccountState | undefined,
    settings: OrgSettings,
  ): Promise<AccountResults> {
    const guardrailSettings = {
      auditRoleName: deps.guardrails.auditRoleName,
      allowedRegions: settings.allowedRegions ?? deps.guardrails.allowedRegions,
    }
    const [tree, catalog, iam] = await Promise.all([
      treeOf(sweepId),
      deps.catalogs.guardrails(),
      deps.catalogs.iam(),
    ])
    const report = judgeGuardrails(tree, accountId, state, catalog, guardrailSettings)
    return {
      guardrails: report.results.map((r) => ({
        guardrailId: r.id,
        verdict: r.verdict,
        evidence: r.evidence,
      })),
      // Findings need a complete collection: an unreachable account confirms and resolves nothing.
      findings: state
        ? assessFindings(tree, state, report, iam, guardrailSettings.allowedRegions, settings.rules)
        : undefined,
    }
  }

  /** Delays the job until the sweep wakes it (or the re-check time comes); ends this run. */
  async function waitForOrganization(job: Job<AccountJobData>, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + KEPT_RECHECK_MS, token)
    // The sweep may have stored the organization and looked for waiting jobs just before this
    // job was delayed: then nobody else wakes it.
    const sweep = await deps.store.sweeps.get(job.data.sweepId)
    if (!sweep || sweep.org_read_at || sweep.status !== 'running') await job.promote().catch(() => {})
    throw new DelayedError()
  }

  /** Waits while the sweep reads the organization; false when the sweep ended without it. */
  async function untilOrganizationRead(sweepId: string): Promise<boolean> {
    for (;;) {
      const sweep = await deps.store.sweeps.get(sweepId)
      if (sweep?.org_read_at) return true
      if (sweep?.status !== 'running') return false
      await new Promise((resolve) => setTimeout(resolve, ORGANIZATION_POLL_MS))
    }
  }

  return async (job: Job<AccountJobData>, token?: string) => {
    const { sweepId, accountId } = job.data
    const { store, log } = deps

    if (await store.sweeps.isCancelRequested(sweepId)) {
      await store.sweeps.finishAccount(sweepId, accountId, 'cancelled', 'sweep cancelled')
      return { outcome: 'cancelled' }
    }
    const sweep = await store.sweeps.get(sweepId)
    if (!sweep) return { outcome: 'sweep-gone' }
    const orgRead = sweep.org_read_at !== null
    // Kept while the organization was read: judged without collecting (or claiming) again. Only
    // a job enqueued before the organization was stored can have kept its account.
    const early = !sweep.org_read_at || job.timestamp < sweep.org_read_at.getTime()
    const kept = early ? await store.sweeps.deferredAccount(sweepId, accountId) : undefined
    if (kept) {
      if (!orgRead) return waitForOrganization(job, token)
      const results = await assess(
        sweepId,
        accountId,
        kept.state as AccountState,
        sweep.settings as OrgSettings,
      )
      await store.sweeps.completeAccount(sweepId, accountId, KEPT, kept.stats, results)
      log.debug({ sweepId, accountId }, 'kept account judged')
      return { outcome: 'collected' }
    }

    const claim = await store.sweeps.startAccount(sweepId, accountId)
    if (!claim) return { outcome: 'already-recorded' }
    const started = performance.now()
    let source: Awaited<ReturnType<typeof deps.sources.resolve>> | undefined
    try {
      source = await deps.sources.resolve(sweep.source_kind, sweep.source_name)
      const state = await source.collectAccount(accountId, { sweepId })
      const report = source.takeAccountReport?.(sweepId, accountId)
      const stats = {
        durationMs: Math.round(performance.now() - started),
        attempt: claim.attempts,
        ...(report?.stats ? { api: report.stats } : {}),
        ...(report?.configCompliance ? { configCompliance: report.configCompliance } : {}),
      }
      if (!orgRead && (await store.sweeps.deferAccount(sweepId, accountId, state, stats, report?.rawJson)))
        return waitForOrganization(job, token)
      await store.sweeps.completeAccount(sweepId, accountId, state, stats, {
        ...(await assess(sweepId, accountId, state, sweep.settings as OrgSettings)),
        rawJson: report?.rawJson,
      })
      log.debug({ sweepId, accountId, ...stats }, 'account collected')
      return { outcome: 'collected' }
    } catch (err) {
      // Taken now in any case, so a failed attempt's report cannot be mistaken for the next one's.
      const report = source?.takeAccountReport?.(sweepId, accountId)
      const stats = {
        durationMs: Math.round(performance.now() - started),
        attempt: claim.attempts,
        ...(report?.stats ? { api: report.stats } : {}),
      }
      if (err instanceof DelayedError) throw err
      if (err instanceof AccountUnreachableError || err instanceof SourceUnavailableError) {
        // Its guardrails are judged from the organization's SCPs: wait for them (nothing to
        // keep, and such accounts are few, so the job holds its slot meanwhile).
        if (!orgRead && !(await untilOrganizationRead(sweepId))) return { outcome: 'sweep-ended' }
        const reason = err instanceof AccountUnreachableError ? err.reason : err.message
        await store.sweeps.finishAccount(sweepId, accountId, 'unreachable', reason, {
          ...(await assess(sweepId, accountId, undefined, sweep.settings as OrgSettings)),
          stats,
        })
        log.warn({ sweepId, accountId, reason }, 'account unreachable')
        return { outcome: 'unreachable' }
      }
      // Errors that say retrying cannot help (access denied on an API the role must have, a
      // malformed answer) end the account now instead of after every backoff.
      const permanent = (err as { transient?: unknown }).transient === false
      const lastAttempt = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      const message = err instanceof Error ? err.message : String(err)
      if (lastAttempt) {
        await store.sweeps.finishAccount(sweepId, accountId, 'failed', message, { stats })
        log.error({ sweepId, accountId, err: message }, 'account failed after its last attempt')
        // The account's row holds the failure. The job ends normally: one started before the
        // organization was read has no parent yet, and a failed job adopted later would hold it.
        return { outcome: 'failed' }
      } else {
        log.warn(
          { sweepId, accountId, attempt: job.attemptsMade + 1, err: message },
          'account attempt failed; retrying',
        )
      }
      throw err
    }
  }
}
