/**
 * What customer policies (customer-managed and inline) grant: `*` on `*`, or every action of a
 * service. Hygiene rules (AWS-managed policies by name, unattached policies, empty groups) are in
 * policy-hygiene.ts.
 */
import type { AccountState, InlinePolicy, PolicyDocument } from '../../org/account-state.js'
import type { ParsedStatement } from '../../policy/index.js'
import { type AccountIndex, accountIndex, type EntityRef } from '../support/account-index.js'
import { entitiesBlocked } from '../support/coverage.js'
import {
  describeStatement,
  fullAdminStatements,
  parsedPolicy,
  serviceWildcards,
} from '../support/policy-statements.js'
import { inlinePolicyArn } from '../support/resources.js'
import type { Finding, Rule, RuleOutcome, UnknownPart } from '../types.js'
import { POLICY_HYGIENE_RULES } from './policy-hygiene.js'

/** A customer policy with the entities that hold it. */
interface CustomerPolicy {
  kind: 'managed' | 'inline'
  name: string
  resourceArn: string
  document: PolicyDocument | null
  holders: EntityRef[]
  inUse: boolean
}

function customerPolicies(state: AccountState, index: AccountIndex): CustomerPolicy[] {
  const out: CustomerPolicy[] = []
  for (const policy of state.managedPolicies) {
    if (policy.awsManaged) continue
    const holders = [...(index.attachedTo.get(policy.arn) ?? [])]
    out.push({
      kind: 'managed',
      name: policy.name,
      resourceArn: policy.arn,
      document: policy.document,
      holders,
      inUse: policy.attachmentCount > 0 || holders.length > 0,
    })
  }
  const owners: Array<[EntityRef['kind'], { name: string; arn: string; inlinePolicies: InlinePolicy[] }]> = [
    ...state.users.map((u): [EntityRef['kind'], typeof u] => ['user', u]),
    ...state.groups.map((g): [EntityRef['kind'], typeof g] => ['group', g]),
    ...state.roles.filter((r) => !r.isServiceLinked).map((r): [EntityRef['kind'], typeof r] => ['role', r]),
  ]
  for (const [kind, owner] of owners) {
    for (const policy of owner.inlinePolicies) {
      out.push({
        kind: 'inline',
        name: policy.name,
        resourceArn: inlinePolicyArn(owner.arn, policy.name),
        document: policy.document,
        holders: [{ kind, name: owner.name, arn: owner.arn }],
        inUse: true,
      })
    }
  }
  return out
}

function describePolicy(policy: CustomerPolicy): string {
  return policy.kind === 'managed'
    ? `Customer-managed policy ${policy.name}`
    : `Inline policy ${policy.name} of ${policy.holders[0].kind} ${policy.holders[0].name}`
}

/** Judges each readable customer policy; unreadable ones are incomplete, not passed. */
function overCustomerPolicies(
  state: AccountState,
  include: (policy: CustomerPolicy) => boolean,
  judge: (policy: CustomerPolicy, statements: readonly ParsedStatement[]) => Finding | undefined,
): RuleOutcome {
  const blocked = entitiesBlocked(state)
  if (blocked) return blocked
  const findings: Finding[] = []
  const incomplete: UnknownPart[] = []
  for (const policy of customerPolicies(state, accountIndex(state))) {
    if (!include(policy)) continue
    const parsed = parsedPolicy(policy.document, 'identity')
    if (!parsed) {
      const why = policy.document === null ? 'its document was not read' : 'its document does not parse'
      incomplete.push({ reason: `${describePolicy(policy)} (${policy.resourceArn}): ${why}` })
      continue
    }
    const finding = judge(policy, parsed.statements)
    if (finding) findings.push(finding)
  }
  return incomplete.length > 0 ? { findings, incomplete } : { findings }
}

const holdersEvidence = (policy: CustomerPolicy) =>
  policy.holders.map((h) => ({ kind: h.kind, name: h.name }))

export const policyFullAdmin: Rule = {
  id: 'policy.full-admin',
  title: 'Customer policy in use grants * on *',
  severity: 'high',
  rationale: 'A policy that allows every action on every resource makes whoever holds it an administrator.',
  remediation: {
    steps: [
      'Find what the holders really use (IAM last-accessed data, Access Analyzer policy generation).',
      'Replace the statement by the actions and resources they need, or move them to a reviewed admin role.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  },
  controls: {
    cisV3: ['1.16'],
    cisV5: ['1.15'],
    cisV6: ['2.15'],
    securityHub: ['IAM.1'],
    configRule: ['iam-policy-no-statements-with-admin-access'],
  },
  parameters: {},
  evaluate(state, ctx) {
    return overCustomerPolicies(
      state,
      (policy) => policy.inUse,
      (policy, statements) => {
        const granting = fullAdminStatements(ctx.iamCatalog, statements)
        if (granting.length === 0) return undefined
        return {
          ruleId: 'policy.full-admin',
          resourceArn: policy.resourceArn,
          title: `${describePolicy(policy)} grants * on * and is in use`,
          evidence: { statements: granting.map(describeStatement), heldBy: holdersEvidence(policy) },
        }
      },
    )
  },
}

export const policyServiceWildcard: Rule = {
  id: 'policy.service-wildcard',
  title: 'Customer policy grants every action of a service',
  severity: 'medium',
  rationale:
    '`service:*` grants the service’s permission-management actions too, and every action AWS adds later.',
  remediation: {
    steps: [
      'List the actions the holders use (IAM last-accessed data at action level).',
      'Replace `service:*` by those actions, or by access-level groups such as `service:Get*` and `service:List*`.',
    ],
    docUrl: 'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21',
  },
  controls: { securityHub: ['IAM.21'], configRule: ['iam-policy-no-statements-with-full-access'] },
  parameters: {},
  evaluate(state, ctx) {
    return overCustomerPolicies(
      state,
      () => true,
      (policy, statements) => {
        const granting = statements
          .map((s) => ({ statement: s, wildcards: serviceWildcards(ctx.iamCatalog, s) }))
          .filter((g) => g.wildcards.length > 0)
        if (granting.length === 0) return undefined
        const patterns = [...new Set(granting.flatMap((g) => g.wildcards))]
        return {
          ruleId: 'policy.service-wildcard',
          resourceArn: policy.resourceArn,
          title: `${describePolicy(policy)} grants ${patterns.join(', ')}`,
          evidence: {
            patterns,
            statements: granting.map((g) => describeStatement(g.statement)),
            heldBy: holdersEvidence(policy),
            attached: policy.inUse,
          },
        }
      },
    )
  },
}

export const POLICY_RULES: readonly Rule[] = [policyFullAdmin, policyServiceWildcard, ...POLICY_HYGIENE_RULES]
