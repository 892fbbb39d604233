/**
 * The AWS source: reads the organization through Organizations with the hub credentials, and
 * each account through its audit role, into the same raw bundle a snapshot file holds, then
 * through the one normalizer (src/org/normalize.ts).
 *
 * The management account is collected like any member: through the audit role deployed there
 * (a StackSet does not reach the management account, so it gets its own stack). The hub's own
 * credentials are never used to read IAM, so one least-privilege role defines what Orgwarden
 * can see everywhere.
 *
 * Call statistics travel beside the state, not inside it: `onStats` hears every collection and
 * organization read, and `takeAccountReport` hands one over once to whoever records the account.
 */
import type { Logger } from 'pino'
import { collectRawAccount } from '../aws/account-collector.js'
import { type CallStats, StatsRecorder, withStats } from '../aws/call-stats.js'
import {
  ClientPool,
  type CredentialProvider,
  HUB_SCOPE,
  type RequestHandlerLike,
} from '../aws/client-pool.js'
import {
  ConfigAggregatorReader,
  type ConfigAggregatorTarget,
  type ConfigCompliance,
} from '../aws/config-aggregator-reader.js'
import type { CredentialReportPolling } from '../aws/credential-report-reader.js'
import { CredentialBroker } from '../aws/credentials.js'
import type { RateLimit, Sleep } from '../aws/limiter.js'
import { ManagedPolicyCatalog } from '../aws/managed-policy-catalog.js'
import { readAccountTags, readOrganization } from '../aws/organization-reader.js'
import { type OrganizationsDeps, OrganizationsThrottle } from '../aws/organizations-throttle.js'
import { isAccountId, type Partition, partitionOfArn, partitionOfRegion } from '../aws/partition.js'
import type { AccountState } from '../org/account-state.js'
import { normalizeAccount } from '../org/normalize.js'
import {
  AccountUnreachableError,
  type CollectContext,
  type OnAccountsFound,
  type OrgSource,
} from '../org/source.js'
import type { OrgSnapshot } from '../org/types.js'

export interface AwsSourceOptions {
  /** Home region: the STS, IAM and Organizations endpoints, and the partition. */
  region: string
  /** Regions whose CloudTrail, Config and Access Analyzer are read in every account. */
  regions: string[]
  /** The audit role in every account, management account included. */
  auditRoleName: string
  externalId?: string | undefined
  /** Assumed first, from the default credential chain; member roles trust this principal. */
  hubRoleArn?: string | undefined
  /** Shown as the source's name. Default `aws`. */
  name?: string | undefined
  /** Overrides the partition derived from `region`. */
  partition?: Partition | undefined
  /** AWS requests in flight per account. Default 8. */
  accountConcurrency?: number | undefined
  /** Organizations requests in flight. Default 4. */
  organizationsConcurrency?: number | undefined
  /** Per-operation token buckets replacing AWS's published Organizations figures. */
  organizationsRates?: Readonly<Record<string, RateLimit>> | undefined
  /** SDK standard-mode attempts per call. Default 4. */
  maxAttempts?: number | undefined
  requestTimeoutMs?: number | undefined
  connectionTimeoutMs?: number | undefined
  /** Audit session lifetime, 900–3600. Default 3600. */
  sessionDurationSeconds?: number | undefined
  credentialReport?: CredentialReportPolling | undefined
  /** Where the organization's Config aggregator is; unset = not read. */
  configAggregator?: ConfigAggregatorTarget | undefined
  logger?: Logger | undefined
  onStats?: ((report: CollectionReport) => void) | undefined
  /** Tests: replaces the default credential chain. */
  baseCredentials?: CredentialProvider | undefined
  /** Tests: replaces every client's HTTP handler. */
  requestHandler?: RequestHandlerLike | undefined
  /** Tests: replaces the credential report's waits. */
  sleep?: Sleep | undefined
}

export interface AccountCollectionReport {
  scope: 'account'
  sweepId: string
  accountId: string
  outcome: 'collected' | 'unreachable' | 'failed'
  stats: CallStats
  /** AWS Config's aggregated compliance of the IAM managed rules, when an aggregator is configured. */
  configCompliance?: ConfigCompliance
  /** Scrubbed reason, for unreachable and failed accounts. */
  error?: string
  /**
   * The raw responses of a collected account (no credentials: IAM data only), as JSON. Serialized
   * as soon as the state is normalized, so the SDK's object graph of them dies young instead of
   * being copied by every scavenge while the account is judged and stored.
   */
  rawJson?: string
}

export interface OrganizationReadReport {
  /** `account-tags`: the tag read beside the account phase (readAccountTags). */
  scope: 'organization' | 'account-tags'
  outcome: 'read' | 'failed'
  stats: CallStats
  /** Context that could not be read (delegated administrators; refused tags). */
  warnings: string[]
  error?: string
}

export type CollectionReport = AccountCollectionReport | OrganizationReadReport

export interface AwsOrgSource extends OrgSource {
  readonly kind: 'aws'
  /** The report of the last collection of the account in that sweep, handed over once. */
  takeAccountReport(sweepId: string, accountId: string): AccountCollectionReport | undefined
  lastOrganizationReport(): OrganizationReadReport | undefined
  readAccountTags: NonNullable<OrgSource['readAccountTags']>
  /** Closes the shared sockets; in-flight work fails. */
  close(): void
}

/** Reports kept for `takeAccountReport` when nobody takes them. */
const KEPT_REPORTS = 2_000

export function createAwsSource(options: AwsSourceOptions): AwsOrgSource {
  const partition = checkOptions(options)
  const log = options.logger?.child({ source: 'aws' })
  const pool = new ClientPool({
    maxAttempts: options.maxAttempts,
    requestTimeoutMs: options.requestTimeoutMs,
    connectionTimeoutMs: options.connectionTimeoutMs,
    requestHandler: options.requestHandler,
  })
  const broker = new CredentialBroker({
    pool,
    region: options.region,
    partition,
    auditRoleName: options.auditRoleName,
    externalId: options.externalId,
    hubRoleArn: options.hubRoleArn,
    baseCredentials: options.baseCredentials,
    sessionDurationSeconds: options.sessionDurationSeconds,
    logger: log,
  })
  const throttle = new OrganizationsThrottle({
    rates: options.organizationsRates,
    concurrency: options.organizationsConcurrency,
  })
  const catalog = new ManagedPolicyCatalog()
  const aggregator = options.configAggregator
    ? new ConfigAggregatorReader({ target: options.configAggregator, pool, broker })
    : undefined
  const reports = new Map<string, AccountCollectionReport>()
  let organizationReport: OrganizationReadReport | undefined

  const publish = (report: CollectionReport) => {
    if (report.scope === 'organization') organizationReport = report
    else if (report.scope === 'account') {
      const key = `${report.sweepId}|${report.accountId}`
      reports.delete(key)
      reports.set(key, report)
      while (reports.size > KEPT_REPORTS) reports.delete(reports.keys().next().value as string)
    }
    try {
      options.onStats?.(report)
    } catch (err) {
      log?.warn({ err }, 'onStats listener failed')
    }
  }

  /**
   * Runs an Organizations read from the hub with `recorder` counting its calls. The hub session
   * is asked for first, with the read's signal, so that its AssumeRole counts too: the SDK asks
   * for credentials without one.
   */
  function withHubStats<T>(
    recorder: StatsRecorder,
    signal: AbortSignal | undefined,
    read: (deps: OrganizationsDeps) => Promise<T>,
  ): Promise<T> {
    const client = pool.get('organizations', HUB_SCOPE, options.region, broker.hub)
    return withStats(recorder, signal, async (own) => {
      await broker.hubSession(own)
      return read({ client, throttle, signal: own })
    })
  }

  return {
    kind: 'aws',
    name: options.name ?? 'aws',

    async readOrganization(signal?: AbortSignal, onAccounts?: OnAccountsFound): Promise<OrgSnapshot> {
      const recorder = new StatsRecorder()
      try {
        const read = await withHubStats(recorder, signal, (deps) => readOrganization(deps, onAccounts))
        const stats = recorder.finish()
        publish({ scope: 'organization', outcome: 'read', stats, warnings: read.warnings })
        for (const warning of read.warnings) log?.warn({ warning }, 'organization context not read')
        log?.info(
          { calls: stats.totalCalls, throttled: stats.throttled, durationMs: stats.durationMs },
          'organization read',
        )
        return read.snapshot
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err)
        publish({ scope: 'organization', outcome: 'failed', stats: recorder.finish(), warnings: [], error })
        throw err
      }
    },

    async readAccountTags(accountIds, onBatch, signal) {
      const recorder = new StatsRecorder()
      try {
        const read = await withHubStats(recorder, signal, (deps) =>
          readAccountTags(deps, accountIds, onBatch),
        )
        const warnings = read.warning ? [read.warning] : []
        publish({ scope: 'account-tags', outcome: 'read', stats: recorder.finish(), warnings })
        if (read.warning) log?.warn({ warning: read.warning }, 'organization context not read')
        return read
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err)
        publish({ scope: 'account-tags', outcome: 'failed', stats: recorder.finish(), warnings: [], error })
        throw err
      }
    },

    async collectAccount(accountId: string, ctx: CollectContext): Promise<AccountState> {
      ctx.signal?.throwIfAborted()
      if (!isAccountId(accountId))
        throw new AccountUnreachableError(`"${accountId}" is not an AWS account id`)
      const recorder = new StatsRecorder()
      const base = { scope: 'account' as const, sweepId: ctx.sweepId, accountId }
      try {
        const { raw, extraGaps } = await withStats(recorder, ctx.signal, (signal) =>
          collectRawAccount(
            {
              pool,
              broker,
              catalog,
              aggregator,
              partition,
              homeRegion: options.region,
              regions: options.regions,
              concurrency: options.accountConcurrency ?? 8,
              credentialReport: options.credentialReport,
              sleep: options.sleep,
            },
            { accountId, sweepLabel: ctx.sweepId, signal },
          ),
        )
        const state = normalizeAccount(accountId, raw, {
          collectedAt: raw.collectedAt ?? new Date().toISOString(),
        })
        state.gaps.push(...extraGaps)
        const stats = recorder.finish()
        const configCompliance = raw.configAggregate
        publish({
          ...base,
          outcome: 'collected',
          stats,
          rawJson: JSON.stringify(raw),
          ...(configCompliance ? { configCompliance } : {}),
        })
        log?.info(
          {
            sweepId: ctx.sweepId,
            accountId,
            calls: stats.totalCalls,
            gaps: state.gaps.length,
            durationMs: stats.durationMs,
          },
          'account collected',
        )
        return state
      } catch (err) {
        const unreachable = err instanceof AccountUnreachableError
        const error = unreachable ? err.reason : err instanceof Error ? err.message : String(err)
        publish({ ...base, outcome: unreachable ? 'unreachable' : 'failed', stats: recorder.finish(), error })
        throw err
      }
    },

    takeAccountReport(sweepId: string, accountId: string) {
      const key = `${sweepId}|${accountId}`
      const report = reports.get(key)
      reports.delete(key)
      return report
    },

    lastOrganizationReport: () => organizationReport,

    close: () => pool.close(),
  }
}

function checkOptions(options: AwsSourceOptions): Partition {
  const partition = options.partition ?? partitionOfRegion(options.region)
  if (options.regions.length === 0) throw new Error('the AWS source needs at least one region to read')
  const foreign = options.regions.filter((region) => partitionOfRegion(region) !== partition)
  if (foreign.length > 0) {
    throw new Error(`regions ${foreign.join(', ')} are not in partition ${partition} of ${options.region}`)
  }
  if (options.hubRoleArn && partitionOfArn(options.hubRoleArn) !== partition) {
    throw new Error(`hub role ${options.hubRoleArn} is not in partition ${partition} of ${options.region}`)
  }
  return partition
}
