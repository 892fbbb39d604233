/**
 * Judges one escalation method for one principal with the policy evaluator: every step must be
 * Allowed — identity ∩ boundary ∩ SCP chain, explicit denies first — on at least one target, all
 * in the same region. A step an SCP blocks fails the method, so a blocked method is no finding.
 */
import type { IamRole, IamUser } from '../../org/account-state.js'
import {
  buildRequest,
  evaluate,
  type IamCatalog,
  type PrincipalDescription,
  type StatementRef,
} from '../../policy/index.js'
import type { EscalationMethod } from './methods.js'
import { mayAllow, type PrincipalPolicies } from './principal-policies.js'
import { fillTemplate, globalRegion, passableRoles, type TargetScope, targetResources } from './targets.js'

export interface StepGrant {
  action: string
  resource: string
  region: string
  grantedBy: Array<{ policy: string; statement: number; sid?: string; type: string }>
}

export interface MethodHit {
  method: string
  description: string
  region?: string
  steps: StepGrant[]
}

export interface MethodJudge {
  scope: TargetScope
  policies: PrincipalPolicies
  principal: PrincipalDescription
  regions: readonly string[]
  catalog: IamCatalog
}

function grantedBy(refs: readonly StatementRef[]): StepGrant['grantedBy'] {
  return refs
    .filter((r) => r.effect === 'Allow' && (r.policyType === 'identity' || r.policyType === 'boundary'))
    .map((r) => ({
      policy: r.policyName ?? r.policyId,
      statement: r.statementIndex,
      type: r.policyType,
      ...(r.sid ? { sid: r.sid } : {}),
    }))
}

function firstAllowed(
  judge: MethodJudge,
  action: string,
  resources: readonly string[],
  region: string,
  context: Record<string, string> | undefined,
): StepGrant | undefined {
  for (const resource of resources) {
    const request = buildRequest({
      principal: judge.principal,
      action,
      resource,
      region,
      ...(context ? { context } : {}),
    })
    const result = evaluate(request, judge.policies.set, { rcpServices: judge.catalog.rcpServices })
    if (result.decision === 'Allowed')
      return { action, resource, region, grantedBy: grantedBy(result.deciding) }
  }
  return undefined
}

export function judgeMethod(method: EscalationMethod, judge: MethodJudge): MethodHit | undefined {
  const { scope, policies } = judge
  if (!method.steps.every((step) => mayAllow(policies, step.action))) return undefined
  let passable: IamRole[] = []
  if (method.passRole) {
    if (!mayAllow(policies, 'iam:PassRole')) return undefined
    passable = passableRoles(method.passRole.service, method.passRole.needsInstanceProfile === true, scope)
    if (passable.length === 0) return undefined
  }
  const regional = method.steps.some((step) => step.target.kind === 'regional')
  const regions = regional ? judge.regions : [globalRegion(scope.partition)]
  for (const region of regions) {
    const steps: StepGrant[] = []
    for (const step of method.steps) {
      const resources =
        step.target.kind === 'regional'
          ? [fillTemplate(step.target.template, scope.partition, region, scope.state.accountId)]
          : targetResources(step.target, scope)
      const grant = firstAllowed(judge, step.action, resources, region, step.context)
      if (!grant) break
      steps.push(grant)
    }
    if (steps.length < method.steps.length) continue
    if (method.passRole) {
      const context = { 'iam:PassedToService': method.passRole.service }
      const grant = firstAllowed(
        judge,
        'iam:PassRole',
        passable.map((r) => r.arn),
        region,
        context,
      )
      if (!grant) continue
      steps.unshift(grant)
    }
    return { method: method.id, description: method.description, ...(regional ? { region } : {}), steps }
  }
  return undefined
}

export function describePrincipalFor(
  principal: IamUser | IamRole,
  kind: 'user' | 'role',
  accountId: string,
  partition: string,
  orgId: string | undefined,
  orgPaths: string[] | undefined,
): PrincipalDescription {
  return {
    kind,
    accountId,
    name: principal.name,
    path: principal.path,
    uniqueId: principal.id,
    tags: principal.tags,
    partition,
    ...(orgId ? { orgId } : {}),
    ...(orgPaths ? { orgPaths } : {}),
  }
}
