/**
 * Policy hygiene: AWS-managed policies that should not be attached (judged by name, as AWS
 * publishes them), customer-managed policies attached to nothing, and groups with no members.
 */
import type { AccountState, ManagedPolicy } from '../../org/account-state.js'
import {
  type AccountIndex,
  accountIndex,
  type EntityRef,
  isAwsManagedPolicy,
} from '../support/account-index.js'
import { entitiesBlocked } from '../support/coverage.js'
import { fullAdminStatements, parsedPolicy } from '../support/policy-statements.js'
import type { Finding, Rule } from '../types.js'

/** One finding per user, group or (non service-linked) role holding the AWS-managed policy. */
function holdersOfAwsPolicy(
  state: AccountState,
  policyName: string,
  make: (holder: EntityRef, arn: string) => Finding,
) {
  const blocked = entitiesBlocked(state)
  if (blocked) return blocked
  const serviceLinked = new Set(state.roles.filter((r) => r.isServiceLinked).map((r) => r.arn))
  const findings: Finding[] = []
  for (const [arn, holders] of accountIndex(state).attachedTo) {
    if (!isAwsManagedPolicy(arn, policyName)) continue
    for (const holder of holders) if (!serviceLinked.has(holder.arn)) findings.push(make(holder, arn))
  }
  return { findings }
}

export const principalAdministratorAccess: Rule = {
  id: 'principal.administrator-access',
  title: 'AdministratorAccess attached to a user, group or role',
  severity: 'medium',
  rationale:
    'Every holder of AdministratorAccess can do anything in the account, including removing the controls that watch it.',
  remediation: {
    steps: [
      'Keep AdministratorAccess on a few reviewed break-glass or platform roles that require MFA.',
      'Give everyone else job-function or least-privilege policies and detach AdministratorAccess.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html',
  },
  controls: {},
  parameters: {},
  evaluate(state) {
    return holdersOfAwsPolicy(state, 'AdministratorAccess', (holder, arn) => ({
      ruleId: 'principal.administrator-access',
      resourceArn: holder.arn,
      title: `AdministratorAccess is attached to ${holder.kind} ${holder.name}`,
      evidence: { policyArn: arn, holder: holder.kind },
    }))
  },
}

export const policyCloudShellFullAccess: Rule = {
  id: 'policy.cloudshell-full-access',
  title: 'AWSCloudShellFullAccess attached',
  severity: 'medium',
  rationale:
    'CloudShell full access allows uploading and downloading files to a shell outside network controls: a data exfiltration path.',
  remediation: {
    steps: [
      'Detach AWSCloudShellFullAccess from the holder.',
      'Grant a narrower CloudShell policy without file transfer if the shell is needed.',
    ],
    docUrl: 'https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html',
  },
  controls: {
    cisV3: ['1.22'],
    cisV5: ['1.21'],
    cisV6: ['2.21'],
    securityHub: ['IAM.27'],
    configRule: ['iam-policy-blacklisted-check'],
  },
  parameters: {},
  evaluate(state) {
    return holdersOfAwsPolicy(state, 'AWSCloudShellFullAccess', (holder, arn) => ({
      ruleId: 'policy.cloudshell-full-access',
      resourceArn: holder.arn,
      title: `AWSCloudShellFullAccess is attached to ${holder.kind} ${holder.name}`,
      evidence: { policyArn: arn, holder: holder.kind },
    }))
  },
}

function isUnattached(policy: ManagedPolicy, index: AccountIndex, boundaries: Set<string>): boolean {
  return (
    policy.attachmentCount === 0 &&
    policy.permissionsBoundaryUsageCount === 0 &&
    !index.attachedTo.has(policy.arn) &&
    !boundaries.has(policy.arn)
  )
}

export const policyUnattached: Rule = {
  id: 'policy.unattached',
  title: 'Customer-managed policy is attached to nothing',
  severity: 'low',
  rationale: 'Unattached policies are dead weight that someone may attach later without review.',
  remediation: {
    steps: [
      'Confirm the policy is not needed (its description, tags, owner).',
      'Delete the policy and its versions.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete.html',
  },
  controls: {},
  parameters: {},
  evaluate(state, ctx) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const index = accountIndex(state)
    const boundaries = new Set(
      [...state.users, ...state.roles]
        .map((e) => e.permissionsBoundaryArn)
        .filter((a): a is string => a !== null),
    )
    const findings: Finding[] = []
    for (const policy of state.managedPolicies) {
      if (policy.awsManaged || !isUnattached(policy, index, boundaries)) continue
      const parsed = parsedPolicy(policy.document, 'identity')
      const fullAdmin = parsed ? fullAdminStatements(ctx.iamCatalog, parsed.statements).length > 0 : null
      findings.push({
        ruleId: 'policy.unattached',
        resourceArn: policy.arn,
        title: `Customer-managed policy ${policy.name} is attached to nothing`,
        evidence: {
          attachmentCount: policy.attachmentCount,
          permissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
          updated: policy.updateDate,
          grantsFullAdmin: fullAdmin,
        },
      })
    }
    return { findings }
  },
}

export const groupNoUsers: Rule = {
  id: 'group.no-users',
  title: 'IAM group has no users',
  severity: 'low',
  rationale: 'An empty group is unreviewed permission waiting for a member.',
  remediation: {
    steps: [
      'Confirm the group is not needed.',
      'Detach its policies, delete its inline policies, then delete it.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_delete.html',
  },
  controls: { configRule: ['iam-group-has-users-check'] },
  parameters: {},
  evaluate(state) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const members = accountIndex(state).membersOf
    const findings: Finding[] = state.groups
      .filter((group) => (members.get(group.name)?.length ?? 0) === 0)
      .map((group) => ({
        ruleId: 'group.no-users',
        resourceArn: group.arn,
        title: `Group ${group.name} has no users`,
        evidence: {
          attachedPolicies: group.attachedPolicyArns,
          inlinePolicies: group.inlinePolicies.map((p) => p.name),
          created: group.createDate,
        },
      }))
    return { findings }
  },
}

export const POLICY_HYGIENE_RULES: readonly Rule[] = [
  principalAdministratorAccess,
  policyCloudShellFullAccess,
  policyUnattached,
  groupNoUsers,
]
