/**
 * Resource ARNs for findings. Real ARNs where AWS has them; for things IAM gives no ARN, a stable
 * pseudo-ARN in the same shape, so fingerprints stay stable and a resource filter still matches
 * the account id:
 * - the account itself (its settings, guardrails): `arn:<p>:iam::<account>:root`, the ARN IAM
 *   uses for the account as a principal;
 * - the password policy: `arn:<p>:iam::<account>:account-password-policy`;
 * - an inline policy: `<owner ARN>#inline-policy/<name>` (`#` cannot occur in IAM names);
 * - a regional service that is missing: `arn:<p>:<service>:<region>:<account>:<type>/*`.
 */
import type { AccountState } from '../../org/account-state.js'

/** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`); `aws` when none is seen. */
export function partitionOf(state: AccountState): string {
  const sample = state.users[0]?.arn ?? state.roles[0]?.arn ?? state.groups[0]?.arn ?? state.root?.arn
  const partition = sample?.split(':')[1]
  return partition ? partition : 'aws'
}

export function accountArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:root`
}

export function passwordPolicyArn(accountId: string, partition: string): string {
  return `arn:${partition}:iam::${accountId}:account-password-policy`
}

export function inlinePolicyArn(ownerArn: string, policyName: string): string {
  return `${ownerArn}#inline-policy/${policyName}`
}

export function regionalArn(
  partition: string,
  service: string,
  region: string,
  accountId: string,
  type: string,
): string {
  return `arn:${partition}:${service}:${region}:${accountId}:${type}/*`
}
