/**
 * Credential-report rows as rules iterate them. Every IAM user has a row (the root user's is
 * `state.root`); a user GAAD lists but the report does not (created after the report was
 * generated) cannot be judged on credentials, so it is reported as incomplete, not passed; a
 * row for a user GAAD no longer lists (deleted since the report) is left out.
 */
import type { AccessKeyReport, AccountState, CredentialReportRow } from '../../org/account-state.js'
import type { Finding, RuleOutcome } from '../types.js'
import { credentialReportBlocked, entitiesBlocked } from './coverage.js'
import { daysSince } from './dates.js'

/** Runs `judge` over every report row; the outcome lists users the report does not cover. */
export function overReport(
  state: AccountState,
  judge: (row: CredentialReportRow) => Finding | undefined,
): RuleOutcome {
  const blocked = credentialReportBlocked(state)
  if (blocked) return blocked
  const findings: Finding[] = []
  const current = entitiesBlocked(state) ? undefined : new Set(state.users.map((user) => user.arn))
  for (const row of state.credentialReport) {
    if (current && !current.has(row.arn)) continue
    const finding = judge(row)
    if (finding) findings.push(finding)
  }
  const covered = new Set(state.credentialReport.map((row) => row.arn))
  const missing = state.users.filter((user) => !covered.has(user.arn)).map((user) => user.name)
  if (missing.length === 0) return { findings }
  const reason = `the credential report (generated ${state.credentialReportGeneratedAt ?? 'at an unknown time'}) has no row for ${missing.join(', ')}`
  return { findings, incomplete: [{ reason }] }
}

export const activeKeys = (row: CredentialReportRow) => row.accessKeys.filter((key) => key.active)

export function keyEvidence(key: AccessKeyReport, now: Date) {
  return {
    key: key.n,
    lastRotated: key.lastRotated,
    ageDays: daysSince(key.lastRotated, now),
    lastUsedDate: key.lastUsedDate,
    lastUsedService: key.lastUsedService,
  }
}
