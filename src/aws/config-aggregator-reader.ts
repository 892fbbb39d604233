/**
 * What AWS Config's organization aggregator says about an account's IAM managed rules, kept
 * beside our own results: when AWS Config and Orgwarden disagree, that is worth showing.
 *
 * The aggregator lives in the management account or Config's delegated administrator. We read
 * it through the audit role in that account: per member account one (usually single-page)
 * DescribeAggregateComplianceByConfigRules filtered on the account; the aggregator's name is
 * looked up once per sweep when not configured.
 *
 * Rule names are free text; managed rules keep their identifier in them (`iam-password-policy`,
 * `securityhub-iam-password-policy-a1b2c3`, `iam-password-policy-conformance-pack-xyz`), so a
 * rule is matched to the longest known identifier it contains as a whole dash-separated part.
 */
import {
  type ConfigServiceClient,
  paginateDescribeAggregateComplianceByConfigRules,
  paginateDescribeConfigurationAggregators,
} from '@aws-sdk/client-config-service'
import type { RawApiError } from '../org/raw-account-data.js'
import { AccountUnreachableError } from '../org/source.js'
import { pages } from './aws-call.js'
import type { ClientPool } from './client-pool.js'
import type { CredentialBroker } from './credentials.js'
import { gapOrThrow } from './outcome.js'

/** Where the organization's Config aggregator is. */
export interface ConfigAggregatorTarget {
  /** The management account or Config's delegated administrator. */
  accountId: string
  region: string
  /** Looked up (the organization-wide one) when not given. */
  name?: string | undefined
}

export const IAM_MANAGED_RULES = [
  'access-keys-rotated',
  'account-part-of-organizations',
  'iam-customer-policy-blocked-kms-actions',
  'iam-external-access-analyzer-enabled',
  'iam-group-has-users-check',
  'iam-inline-policy-blocked-kms-actions',
  'iam-no-inline-policy-check',
  'iam-password-policy',
  'iam-policy-blacklisted-check',
  'iam-policy-in-use',
  'iam-policy-no-statements-with-admin-access',
  'iam-policy-no-statements-with-full-access',
  'iam-root-access-key-check',
  'iam-server-certificate-expiration-check',
  'iam-user-group-membership-check',
  'iam-user-mfa-enabled',
  'iam-user-no-policies-check',
  'iam-user-unused-credentials-check',
  'mfa-enabled-for-iam-console-access',
  'root-account-hardware-mfa-enabled',
  'root-account-mfa-enabled',
] as const

export interface ManagedRuleCompliance {
  configRuleName: string
  /** The managed rule's identifier in kebab case, e.g. `iam-password-policy`. */
  managedRule: string
  region: string
  /** COMPLIANT | NON_COMPLIANT | NOT_APPLICABLE | INSUFFICIENT_DATA */
  compliance: string
}

export type ConfigCompliance =
  | { status: 'read'; aggregator: string; rules: ManagedRuleCompliance[] }
  | { status: 'no-aggregator'; reason: string }
  | { status: 'unavailable'; error: RawApiError['Error'] }

const BY_LENGTH = [...IAM_MANAGED_RULES].sort((a, b) => b.length - a.length)

export function matchManagedRule(ruleName: string): string | null {
  const name = ruleName.toLowerCase()
  for (const id of BY_LENGTH) {
    let from = name.indexOf(id)
    while (from !== -1) {
      const before = from === 0 || name[from - 1] === '-'
      const after = from + id.length === name.length || name[from + id.length] === '-'
      if (before && after) return id
      from = name.indexOf(id, from + 1)
    }
  }
  return null
}

export interface ConfigAggregatorReaderDeps {
  target: ConfigAggregatorTarget
  pool: ClientPool
  broker: CredentialBroker
}

export class ConfigAggregatorReader {
  private readonly names = new Map<string, Promise<string | null>>()

  constructor(private readonly deps: ConfigAggregatorReaderDeps) {}

  async complianceFor(
    accountId: string,
    sweepLabel: string,
    signal?: AbortSignal,
  ): Promise<ConfigCompliance> {
    const { target, pool, broker } = this.deps
    try {
      await broker.forAccount(target.accountId, sweepLabel, signal)
    } catch (err) {
      if (!(err instanceof AccountUnreachableError)) throw err
      return { status: 'unavailable', error: { Code: 'AggregatorAccountUnreachable', Message: err.reason } }
    }
    pool.hold(target.accountId)
    try {
      const client = pool.get(
        'config',
        target.accountId,
        target.region,
        broker.providerFor(target.accountId, sweepLabel),
      )
      const name = await this.aggregatorName(client, sweepLabel, signal)
      if (name === null) {
        return {
          status: 'no-aggregator',
          reason: `no Config aggregator in ${target.accountId} ${target.region}`,
        }
      }
      const all = await pages(
        'config:DescribeAggregateComplianceByConfigRules',
        (o) =>
          paginateDescribeAggregateComplianceByConfigRules(
            { client },
            { ConfigurationAggregatorName: name, Filters: { AccountId: accountId } },
            o,
          ),
        { signal, more: (page) => Boolean(page.NextToken) },
      )
      const rules: ManagedRuleCompliance[] = []
      for (const entry of all.flatMap((page) => page.AggregateComplianceByConfigRules ?? [])) {
        const managedRule = matchManagedRule(entry.ConfigRuleName ?? '')
        if (!managedRule) continue
        rules.push({
          configRuleName: entry.ConfigRuleName ?? '',
          managedRule,
          region: entry.AwsRegion ?? '',
          compliance: entry.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA',
        })
      }
      return { status: 'read', aggregator: name, rules }
    } catch (err) {
      return {
        status: 'unavailable',
        error: gapOrThrow('config:DescribeAggregateComplianceByConfigRules', err).Error,
      }
    } finally {
      pool.release(target.accountId)
    }
  }

  /** The configured name, or the organization-wide aggregator's (else the first one), once per sweep. */
  private aggregatorName(
    client: ConfigServiceClient,
    sweepLabel: string,
    signal?: AbortSignal,
  ): Promise<string | null> {
    const configured = this.deps.target.name
    if (configured) return Promise.resolve(configured)
    const cached = this.names.get(sweepLabel)
    if (cached) return cached
    const lookup = pages(
      'config:DescribeConfigurationAggregators',
      (o) => paginateDescribeConfigurationAggregators({ client }, {}, o),
      { signal, more: (page) => Boolean(page.NextToken) },
    ).then((all) => {
      const aggregators = all.flatMap((page) => page.ConfigurationAggregators ?? [])
      const chosen = aggregators.find((a) => a.OrganizationAggregationSource) ?? aggregators[0]
      return chosen?.ConfigurationAggregatorName ?? null
    })
    this.names.set(sweepLabel, lookup)
    lookup.catch(() => this.names.delete(sweepLabel))
    // Names of past sweeps are of no use; keep the map from growing.
    while (this.names.size > 4) this.names.delete(this.names.keys().next().value as string)
    return lookup
  }
}
