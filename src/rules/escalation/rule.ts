/**
 * principal.privilege-escalation: users and roles that can make themselves (or become) more
 * powerful through a published method, judged on effective permissions with our evaluator.
 * Principals that already hold full administrator access are left out: escalation means nothing
 * to them, and principal.administrator-access / policy.full-admin report them.
 */
import type { AccountState, IamRole, IamUser } from '../../org/account-state.js'
import { accountIndex } from '../support/account-index.js'
import { entitiesBlocked } from '../support/coverage.js'
import { stringListParam } from '../support/params.js'
import { partitionOf } from '../support/resources.js'
import { contextManagementAccount, contextScpChain } from '../support/scp-chain.js'
import type { Finding, Rule, RuleContext, UnknownPart } from '../types.js'
import { describePrincipalFor, judgeMethod, type MethodHit } from './judge-method.js'
import { ESCALATION_METHODS } from './methods.js'
import { principalPolicies } from './principal-policies.js'
import { globalRegion } from './targets.js'

function judgedRegions(state: AccountState, ctx: RuleContext, partition: string): string[] {
  if (ctx.allowedRegions.length > 0) return [...ctx.allowedRegions]
  const collected = Object.keys(state.regions)
  return collected.length > 0 ? collected : [globalRegion(partition)]
}

export const principalPrivilegeEscalation: Rule = {
  id: 'principal.privilege-escalation',
  title: 'Principal can escalate its privileges',
  severity: 'high',
  rationale:
    'A principal that can rewrite its own permissions, borrow another identity or pass a stronger role to code it runs is as powerful as what it can reach.',
  remediation: {
    steps: [
      'Read the method and the granting statements in the evidence.',
      'Remove the action, scope it to resources the principal should manage, or add a permissions boundary that denies it.',
      'For PassRole methods, restrict iam:PassRole to the roles the workload needs with iam:PassedToService.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  },
  controls: {},
  parameters: {
    excludedMethods: {
      type: 'string[]',
      default: [],
      description: 'Method ids not to judge, e.g. "iam:SetDefaultPolicyVersion".',
    },
  },
  evaluate(state, ctx, params) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const excluded = new Set(stringListParam(params, 'excludedMethods'))
    const methods = ESCALATION_METHODS.filter((m) => !excluded.has(m.id))
    const index = accountIndex(state)
    const scps = contextScpChain(ctx)
    const managementAccountId = contextManagementAccount(ctx)
    const partition = partitionOf(state)
    const regions = judgedRegions(state, ctx, partition)
    const orgId = ctx.orgId ?? ctx.orgTree?.snapshot.organization.id
    const orgPaths = ctx.orgTree?.account(state.accountId)
      ? [ctx.orgTree.orgPath(state.accountId)]
      : undefined

    const findings: Finding[] = []
    const incomplete: UnknownPart[] = []
    const partlyRead: string[] = []
    const unreadPolicies = new Set<string>()
    const principals: Array<['user', IamUser] | ['role', IamRole]> = [
      ...state.users.map((u): ['user', IamUser] => ['user', u]),
      ...index.customerRoles.map((r): ['role', IamRole] => ['role', r]),
    ]
    for (const [kind, principal] of principals) {
      const policies = principalPolicies(principal, kind, index, ctx, scps, managementAccountId)
      if (policies.boundaryUnread) {
        incomplete.push({
          reason: `${kind} ${principal.name}: permissions boundary ${principal.permissionsBoundaryArn} was not read`,
        })
        continue
      }
      if (policies.alreadyAdmin) continue
      const scope = {
        state,
        index,
        principal,
        kind,
        partition,
        customerPolicyArns: policies.customerPolicyArns,
      }
      const judge = {
        scope,
        policies,
        principal: describePrincipalFor(principal, kind, state.accountId, partition, orgId, orgPaths),
        regions,
        catalog: ctx.iamCatalog,
      }
      const hits: MethodHit[] = []
      for (const method of methods) {
        if (!method.principals.includes(kind)) continue
        if (method.needsBoundary && !principal.permissionsBoundaryArn) continue
        const hit = judgeMethod(method, judge)
        if (hit) hits.push(hit)
      }
      if (hits.length === 0) {
        if (policies.unread.length > 0) {
          partlyRead.push(`${kind} ${principal.name}`)
          for (const arn of policies.unread) unreadPolicies.add(arn)
        }
        continue
      }
      const more = hits.length > 1 ? ` and ${hits.length - 1} more method(s)` : ''
      findings.push({
        ruleId: 'principal.privilege-escalation',
        resourceArn: principal.arn,
        title: `${kind === 'user' ? 'User' : 'Role'} ${principal.name} can escalate privileges with ${hits[0].method}${more}`,
        evidence: {
          methods: hits,
          scpChainConsidered: scps !== undefined,
          ...(policies.unread.length > 0 ? { unreadPolicies: policies.unread } : {}),
        },
      })
    }
    if (partlyRead.length > 0) {
      incomplete.push({
        reason: `judged without policies missing from the state (${[...unreadPolicies].sort().join(', ')}): ${partlyRead.join(', ')}`,
      })
    }
    return incomplete.length > 0 ? { findings, incomplete } : { findings }
  },
}
