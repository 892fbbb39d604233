/**
 * One member account, through its audit session, into the raw bundle the normalizer reads
 * (src/org/raw-account-data.ts). The readers run side by side under a per-account cap:
 * IAM throttles each API of an account separately, so different APIs in parallel are safe,
 * and the cap keeps the number of sockets per account small.
 *
 * Global (IAM) calls go to the home region's endpoint; CloudTrail, Config and Access Analyzer
 * are read in each configured region.
 */
import type { Gap } from '../org/account-state.js'
import type {
  RawAccountData,
  RawCloudTrail,
  RawOutcome,
  RawRegion,
  RawTrailStatus,
} from '../org/raw-account-data.js'
import { isRawApiError } from '../org/raw-values.js'
import { listAnalyzers } from './access-analyzer-reader.js'
import type { ClientPool, CredentialProvider } from './client-pool.js'
import { describeTrails, trailStatus } from './cloudtrail-reader.js'
import type { ConfigAggregatorReader, ConfigCompliance } from './config-aggregator-reader.js'
import { readConfigRecorders } from './config-reader.js'
import { type CredentialReportPolling, readCredentialReport } from './credential-report-reader.js'
import type { CredentialBroker } from './credentials.js'
import {
  readAccountSummary,
  readAuthorizationDetails,
  readPasswordPolicy,
  readServerCertificates,
  readVirtualMfaDevices,
} from './iam-reader.js'
import { concurrencyLimit, type Sleep } from './limiter.js'
import type { ManagedPolicyCatalog } from './managed-policy-catalog.js'
import { awsManagedUse, mergeAwsManaged, usedArns } from './managed-policy-merge.js'
import type { Partition } from './partition.js'

export interface AccountCollectorDeps {
  pool: ClientPool
  broker: CredentialBroker
  catalog: ManagedPolicyCatalog
  aggregator?: ConfigAggregatorReader | undefined
  partition: Partition
  /** Region whose endpoints serve the global APIs (IAM). */
  homeRegion: string
  /** Regions whose CloudTrail, Config and Access Analyzer are read. */
  regions: string[]
  /** AWS requests in flight per account. */
  concurrency: number
  credentialReport?: CredentialReportPolling | undefined
  sleep?: Sleep | undefined
}

/** The raw bundle plus what the normalizer does not read yet. */
export interface AwsRawAccountData extends RawAccountData {
  /** AWS Config's aggregated view of the IAM managed rules; the normalizer ignores it for now. */
  configAggregate?: ConfigCompliance
}

export interface RawCollection {
  raw: AwsRawAccountData
  /** Gaps the normalizer cannot see from the bundle (unreadable AWS-managed documents). */
  extraGaps: Gap[]
}

export interface CollectTarget {
  accountId: string
  /** Names the sweep in the session name (and scopes the shared caches). */
  sweepLabel: string
  signal?: AbortSignal | undefined
}

export async function collectRawAccount(
  deps: AccountCollectorDeps,
  target: CollectTarget,
): Promise<RawCollection> {
  const { accountId, sweepLabel, signal } = target
  const collectedAt = new Date().toISOString()
  // First, alone: a missing role must end here as AccountUnreachableError, before any reader.
  await deps.broker.forAccount(accountId, sweepLabel, signal)
  deps.pool.hold(accountId)
  try {
    const credentials = deps.broker.providerFor(accountId, sweepLabel)
    const limit = concurrencyLimit(deps.concurrency)
    const iam = { iam: deps.pool.get('iam', accountId, deps.homeRegion, credentials), signal }

    const [details, report, passwordPolicy, summary, mfa, certificates, regions, configAggregate] =
      await Promise.all([
        limit(() => readAuthorizationDetails(iam)),
        // Mostly waiting between polls: kept outside the cap so it does not hold a slot asleep.
        readCredentialReport({ ...iam, polling: deps.credentialReport, sleep: deps.sleep }),
        limit(() => readPasswordPolicy(iam)),
        limit(() => readAccountSummary(iam)),
        limit(() => readVirtualMfaDevices(iam)),
        limit(() => readServerCertificates(iam)),
        readRegions(deps, accountId, credentials, limit, signal),
        deps.aggregator?.complianceFor(accountId, sweepLabel, signal),
      ])

    let authorization = details
    const extraGaps: Gap[] = []
    if (!isRawApiError(details)) {
      const use = awsManagedUse(details)
      const lookup = await deps.catalog.lookup(
        `${sweepLabel}|${deps.partition}`,
        usedArns(use),
        iam.iam,
        signal,
      )
      const merged = mergeAwsManaged(details, use, lookup)
      authorization = merged.details
      extraGaps.push(...merged.gaps)
    }

    const raw: AwsRawAccountData = {
      collectedAt,
      iam: {
        GetAccountAuthorizationDetails: authorization,
        GetCredentialReport: report,
        GetAccountPasswordPolicy: passwordPolicy,
        GetAccountSummary: summary,
        ListVirtualMFADevices: mfa,
        ListServerCertificates: certificates,
      },
      regions,
      ...(configAggregate ? { configAggregate } : {}),
    }
    return { raw, extraGaps }
  } finally {
    deps.pool.release(accountId)
  }
}

type Limit = ReturnType<typeof concurrencyLimit>

async function readRegions(
  deps: AccountCollectorDeps,
  accountId: string,
  credentials: CredentialProvider,
  limit: Limit,
  signal?: AbortSignal,
): Promise<Record<string, RawRegion>> {
  const perRegion = await Promise.all(
    deps.regions.map(async (region) => {
      const client = <S extends 'cloudtrail' | 'config' | 'accessanalyzer'>(service: S) =>
        deps.pool.get(service, accountId, region, credentials)
      const [trails, config, analyzers] = await Promise.all([
        limit(() => describeTrails({ client: client('cloudtrail'), signal })),
        limit(() => readConfigRecorders({ client: client('config'), signal })),
        limit(() => listAnalyzers({ client: client('accessanalyzer'), signal })),
      ])
      return { region, trails, config, analyzers }
    }),
  )
  const statuses = await readTrailStatuses(deps, accountId, credentials, limit, perRegion, signal)
  const out: Record<string, RawRegion> = {}
  for (const { region, trails, config, analyzers } of perRegion) {
    const cloudtrail: RawCloudTrail = { DescribeTrails: trails }
    if (!isRawApiError(trails)) {
      const own: Record<string, RawOutcome<RawTrailStatus>> = {}
      for (const trail of trails.trailList ?? []) {
        const status = trail.TrailARN ? statuses.get(trail.TrailARN) : undefined
        if (trail.TrailARN && status) own[trail.TrailARN] = status
      }
      cloudtrail.GetTrailStatus = own
    }
    out[region] = { cloudtrail, config, accessanalyzer: { ListAnalyzers: analyzers } }
  }
  return out
}

/**
 * One GetTrailStatus per distinct trail, not per region that lists it: a multi-region trail
 * appears in every region, and its status is the same wherever it is asked. It is asked in the
 * trail's home region when we read that region, else in the first region that listed it.
 */
async function readTrailStatuses(
  deps: AccountCollectorDeps,
  accountId: string,
  credentials: CredentialProvider,
  limit: Limit,
  perRegion: Array<{ region: string; trails: Awaited<ReturnType<typeof describeTrails>> }>,
  signal?: AbortSignal,
) {
  const askIn = new Map<string, string>()
  for (const { region, trails } of perRegion) {
    if (isRawApiError(trails)) continue
    for (const trail of trails.trailList ?? []) {
      if (!trail.TrailARN) continue
      const home = trail.HomeRegion && deps.regions.includes(trail.HomeRegion) ? trail.HomeRegion : region
      if (!askIn.has(trail.TrailARN) || home === trail.HomeRegion) askIn.set(trail.TrailARN, home)
    }
  }
  const statuses = new Map<string, RawOutcome<RawTrailStatus>>()
  await Promise.all(
    [...askIn].map(async ([arn, region]) => {
      const client = deps.pool.get('cloudtrail', accountId, region, credentials)
      statuses.set(arn, await limit(() => trailStatus({ client, signal }, arn)))
    }),
  )
  return statuses
}
