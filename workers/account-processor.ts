import { type Job, UnrecoverableError } from 'bullmq'
import { assessFindings } from '../src/assess/findings.js'
import { judgeGuardrails } from '../src/assess/guardrails.js'
import type { AccountState } from '../src/org/account-state.js'
import { AccountUnreachableError } from '../src/org/source.js'
import { buildOrgTree, type OrgTree } from '../src/org/tree.js'
import type { AccountJobData } from '../src/queue/names.js'
import { SourceUnavailableError } from '../src/sources/resolver.js'
import type { OrgSettings } from '../src/store/settings-repo.js'
import type { AccountResults } from '../src/store/sweeps-repo.js'
import type { WorkerDeps } from './deps.js'

/**
 * Collects one account and writes its results in one transaction. Idempotent: an account that
 * already has an outcome is skipped, so a job redelivered after a crash never writes twice.
 * Unreachable accounts are an outcome, not a failure: the job ends normally and the sweep goes on.
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

  return async (job: Job<AccountJobData>) => {
    const { sweepId, accountId } = job.data
    const { store, log } = deps

    if (await store.sweeps.isCancelRequested(sweepId)) {
      await store.sweeps.finishAccount(sweepId, accountId, 'cancelled', 'sweep cancelled')
      return { outcome: 'cancelled' }
    }
    const claim = await store.sweeps.startAccount(sweepId, accountId)
    if (!claim) return { outcome: 'already-recorded' }
    const sweep = await store.sweeps.get(sweepId)
    if (!sweep) return { outcome: 'sweep-gone' }

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
      await store.sweeps.completeAccount(sweepId, accountId, state, stats, {
        ...(await assess(sweepId, accountId, state, sweep.settings as OrgSettings)),
        raw: report?.raw,
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
      if (err instanceof AccountUnreachableError || err instanceof SourceUnavailableError) {
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
        if (permanent) throw new UnrecoverableError(message)
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
