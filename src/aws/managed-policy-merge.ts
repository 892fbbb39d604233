/**
 * Puts the shared AWS-managed policies back into an account's GAAD response, as GAAD itself
 * would have listed them: only those the account uses, with the account's own attachment and
 * boundary counts.
 */
import type { Gap } from '../org/account-state.js'
import { isAwsManagedPolicyArn } from '../org/normalize-iam.js'
import type { RawAuthorizationDetails } from '../org/raw-account-data.js'
import { describeApiError } from '../org/raw-values.js'
import type { ManagedPolicyLookup } from './managed-policy-catalog.js'

export interface AwsManagedUse {
  /** Entities (users, groups, roles) each policy is attached to. */
  attachments: Map<string, number>
  /** Users and roles that have the policy as permissions boundary. */
  boundaries: Map<string, number>
}

export function awsManagedUse(details: RawAuthorizationDetails): AwsManagedUse {
  const attachments = new Map<string, number>()
  const boundaries = new Map<string, number>()
  const bump = (map: Map<string, number>, arn: string | undefined) => {
    if (arn && isAwsManagedPolicyArn(arn)) map.set(arn, (map.get(arn) ?? 0) + 1)
  }
  const entities = [
    ...(details.UserDetailList ?? []),
    ...(details.GroupDetailList ?? []),
    ...(details.RoleDetailList ?? []),
  ]
  for (const entity of entities) {
    for (const arn of new Set((entity.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn)))
      bump(attachments, arn)
    if ('PermissionsBoundary' in entity) bump(boundaries, entity.PermissionsBoundary?.PermissionsBoundaryArn)
  }
  return { attachments, boundaries }
}

export function usedArns(use: AwsManagedUse): string[] {
  return [...new Set([...use.attachments.keys(), ...use.boundaries.keys()])].sort()
}

export function mergeAwsManaged(
  details: RawAuthorizationDetails,
  use: AwsManagedUse,
  lookup: ManagedPolicyLookup,
): { details: RawAuthorizationDetails; gaps: Gap[] } {
  const added = [...lookup.policies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([arn, policy]) => ({
      ...policy,
      AttachmentCount: use.attachments.get(arn) ?? 0,
      PermissionsBoundaryUsageCount: use.boundaries.get(arn) ?? 0,
    }))
  // The normalizer accepts an AWS-managed policy without document silently (the policy engine
  // may know it); a document we failed to read must still show as a gap.
  const gaps = lookup.failures.map(({ arn, api, error }) => ({
    api,
    reason: `AWS-managed policy ${arn}: ${describeApiError(error)}`,
  }))
  return { details: { ...details, Policies: [...(details.Policies ?? []), ...added] }, gaps }
}
