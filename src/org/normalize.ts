/**
 * Raw AWS responses for one account → AccountState. Pure and total: it never throws on odd
 * input and never reads the clock; whatever it cannot read becomes a gap.
 */
import type { AccountState, CredentialReportRow, Gap, IamUser, RegionState } from './account-state.js'
import { parseCredentialReport } from './credential-report.js'
import { readOutcome } from './gaps.js'
import {
  rootMfaKind,
  toAccountSummary,
  toPasswordPolicy,
  toServerCertificate,
  virtualDevices,
} from './normalize-account-settings.js'
import { normalizeAuthorizationDetails } from './normalize-iam.js'
import { normalizeRegion } from './normalize-regions.js'
import type { RawAccountData, RawIam } from './raw-account-data.js'
import { asArray, isRawApiError, isSafeKey, str, toIso } from './raw-values.js'

export type { RawAccountData } from './raw-account-data.js'

const REGIONAL_APIS = [
  'cloudtrail:DescribeTrails',
  'config:DescribeConfigurationRecorders',
  'access-analyzer:ListAnalyzers',
] as const

export interface NormalizeOptions {
  /** Used when the raw bundle carries no collectedAt of its own (ISO string). */
  collectedAt: string
}

export function normalizeAccount(
  accountId: string,
  raw: RawAccountData,
  options: NormalizeOptions,
): AccountState {
  const gaps: Gap[] = []
  const iam: RawIam = raw.iam ?? {}

  const details = readOutcome(gaps, iam.GetAccountAuthorizationDetails, 'iam:GetAccountAuthorizationDetails')
  const entities = details
    ? normalizeAuthorizationDetails(details, gaps)
    : { users: [], groups: [], roles: [], managedPolicies: [] }

  const report = credentialReport(iam, gaps)
  const summaryResponse = readOutcome(gaps, iam.GetAccountSummary, 'iam:GetAccountSummary')
  const accountSummary = summaryResponse ? toAccountSummary(summaryResponse.SummaryMap ?? {}) : null
  const mfaResponse = readOutcome(gaps, iam.ListVirtualMFADevices, 'iam:ListVirtualMFADevices')
  const devices = mfaResponse ? virtualDevices(mfaResponse.VirtualMFADevices) : null
  const certificates = readOutcome(gaps, iam.ListServerCertificates, 'iam:ListServerCertificates')

  return {
    accountId,
    collectedAt: toIso(raw.collectedAt) ?? toIso(options.collectedAt) ?? options.collectedAt,
    users: withPasswordLastUsed(entities.users, report.users),
    groups: entities.groups,
    roles: entities.roles,
    managedPolicies: entities.managedPolicies,
    credentialReport: report.users,
    credentialReportGeneratedAt: report.generatedAt,
    root: report.root,
    rootMfa: rootMfaKind({ accountId, summary: accountSummary, root: report.root, virtualDevices: devices }),
    passwordPolicy: passwordPolicy(iam, gaps),
    accountSummary,
    virtualMfaDevices: devices ?? [],
    serverCertificates: asArray(certificates?.ServerCertificateMetadataList)
      .filter((certificate) => certificate)
      .map(toServerCertificate),
    regions: regions(raw, gaps),
    gaps,
  }
}

function credentialReport(iam: RawIam, gaps: Gap[]) {
  const api = 'iam:GetCredentialReport'
  const empty = { users: [] as CredentialReportRow[], root: null, generatedAt: null }
  const response = readOutcome(gaps, iam.GetCredentialReport, api)
  if (!response) return empty
  if (typeof response.Content !== 'string') {
    gaps.push({ api, reason: 'the report has no Content' })
    return empty
  }
  const parsed = parseCredentialReport(response.Content)
  if (!parsed.ok) {
    gaps.push({ api, reason: parsed.reason })
    return empty
  }
  if (parsed.root === null) gaps.push({ api, reason: 'the report has no <root_account> row' })
  return { users: parsed.users, root: parsed.root, generatedAt: toIso(response.GeneratedTime) }
}

/** NoSuchEntity is how IAM says "this account has no password policy": a fact, not a gap. */
function passwordPolicy(iam: RawIam, gaps: Gap[]) {
  const outcome = iam.GetAccountPasswordPolicy
  if (isRawApiError(outcome) && str(outcome.Error.Code) === 'NoSuchEntity') return null
  const response = readOutcome(gaps, outcome, 'iam:GetAccountPasswordPolicy')
  return response?.PasswordPolicy ? toPasswordPolicy(response.PasswordPolicy) : null
}

function withPasswordLastUsed(users: IamUser[], rows: CredentialReportRow[]): IamUser[] {
  const byArn = new Map(rows.map((row) => [row.arn, row]))
  const byName = new Map(rows.map((row) => [row.user, row]))
  return users.map((user) => {
    const row = byArn.get(user.arn) ?? byName.get(user.name)
    return row ? { ...user, passwordLastUsed: row.passwordLastUsed } : user
  })
}

function regions(raw: RawAccountData, gaps: Gap[]): Record<string, RegionState> {
  const out: Record<string, RegionState> = {}
  const entries = raw.regions && typeof raw.regions === 'object' ? Object.entries(raw.regions) : []
  if (entries.length === 0) {
    // With no region visited, "every region has an analyzer" would hold vacuously; say unknown.
    for (const api of REGIONAL_APIS) gaps.push({ api, reason: 'no region was collected' })
  }
  for (const [region, data] of entries) {
    if (isSafeKey(region)) out[region] = normalizeRegion(region, data ?? {}, gaps)
  }
  return out
}
