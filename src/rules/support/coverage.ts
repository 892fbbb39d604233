/**
 * What a rule may conclude from the state. An empty list means "none" only when the API that
 * fills it was read; otherwise the rule answers unknown (see src/org/gaps.ts).
 */
import type { AccountState } from '../../org/account-state.js'
import { gapFor } from '../../org/gaps.js'
import type { RuleOutcome } from '../types.js'

export const GAAD = 'iam:GetAccountAuthorizationDetails'
export const CREDENTIAL_REPORT = 'iam:GetCredentialReport'

export function unknown(reason: string): RuleOutcome {
  return { unknown: { reason } }
}

/** The first gap among `apis` (any region), as an unknown outcome; undefined when all were read. */
export function blockedBy(state: AccountState, ...apis: string[]): RuleOutcome | undefined {
  for (const api of apis) {
    const gap = gapFor(state, api)
    if (gap) return unknown(`${api}: ${gap.reason}`)
  }
  return undefined
}

/**
 * The normalizer records one GAAD gap per unreadable document and one for a failed, missing or
 * truncated response. Documents are null in the state exactly when their gap exists (customer
 * policies; AWS-managed documents may be left out without a gap), so more GAAD gaps than null
 * documents means the entity lists themselves are incomplete.
 */
export function entitiesBlocked(state: AccountState): RuleOutcome | undefined {
  const gaps = state.gaps.filter((gap) => gap.api === GAAD)
  if (gaps.length === 0) return undefined
  if (gaps.length > nullDocumentCount(state)) {
    const entityGap = gaps.find((gap) => !/policy/i.test(gap.reason)) ?? gaps[0]
    return unknown(`${GAAD}: ${entityGap.reason}`)
  }
  return undefined
}

function nullDocumentCount(state: AccountState): number {
  let count = 0
  for (const entity of [...state.users, ...state.groups, ...state.roles]) {
    for (const policy of entity.inlinePolicies) if (policy.document === null) count++
  }
  for (const role of state.roles) if (role.trustPolicy === null) count++
  for (const policy of state.managedPolicies) if (!policy.awsManaged && policy.document === null) count++
  return count
}

/**
 * Users' credential-report rows are usable: no gap, or the gap only concerns the root row (the
 * users' rows were parsed), or GAAD says there is no user to have a row.
 */
export function credentialReportBlocked(state: AccountState): RuleOutcome | undefined {
  const gap = gapFor(state, CREDENTIAL_REPORT)
  if (!gap || state.credentialReport.length > 0) return undefined
  if (state.users.length === 0 && !entitiesBlocked(state)) return undefined
  return unknown(`${CREDENTIAL_REPORT}: ${gap.reason}`)
}
