/**
 * A principal's effective policy set as the evaluator takes it: its identity policies (a user's
 * own and its groups'), its permissions boundary, the account's SCP chain. Documents the state
 * does not hold are listed, so the rule can say what it could not judge.
 */
import type { IamRole, IamUser, InlinePolicy } from '../../org/account-state.js'
import type { ChainLevel, CompiledPolicy, PolicyInput, PolicySet } from '../../policy/index.js'
import { compilePolicy } from '../../policy/index.js'
import { type AccountIndex, isAwsManagedPolicy } from '../support/account-index.js'
import { grantsFullAdmin, parsedPolicy } from '../support/policy-statements.js'
import { inlinePolicyArn } from '../support/resources.js'
import type { RuleContext } from '../types.js'

export interface PrincipalPolicies {
  set: PolicySet
  /** Customer-managed policy ARNs the principal holds (own or through groups). */
  customerPolicyArns: string[]
  /** Policies whose documents are not in the state (AWS-managed ones collectors left out, gaps). */
  unread: string[]
  /** The boundary is set but its document is not in the state: nothing can be concluded. */
  boundaryUnread: boolean
  /** Compiled identity and boundary policies, for cheap action screening. */
  compiledIdentity: CompiledPolicy[]
  compiledBoundary?: CompiledPolicy
  /** Holds AdministratorAccess or an unconditional `*` on `*`, with no Deny to limit it. */
  alreadyAdmin: boolean
}

type Holder = { arn: string; inlinePolicies: InlinePolicy[]; attachedPolicyArns: string[] }

export function principalPolicies(
  principal: IamUser | IamRole,
  kind: 'user' | 'role',
  index: AccountIndex,
  ctx: RuleContext,
  scps: readonly ChainLevel[] | undefined,
  managementAccountId: string | undefined,
): PrincipalPolicies {
  const holders: Holder[] = [principal]
  const unread: string[] = []
  if (kind === 'user') {
    for (const name of (principal as IamUser).groups) {
      const group = index.groupByName.get(name)
      if (group) holders.push(group)
      else unread.push(`group ${name}`)
    }
  }
  const identity: PolicyInput[] = []
  const customerPolicyArns: string[] = []
  let adminByName = false
  for (const holder of holders) {
    for (const policy of holder.inlinePolicies) {
      const parsed = parsedPolicy(policy.document, 'identity')
      const id = inlinePolicyArn(holder.arn, policy.name)
      if (parsed) identity.push({ id, name: policy.name, policy: parsed })
      else unread.push(id)
    }
    for (const arn of holder.attachedPolicyArns) {
      const managed = index.policyByArn.get(arn)
      if (managed && !managed.awsManaged) customerPolicyArns.push(arn)
      if (isAwsManagedPolicy(arn, 'AdministratorAccess')) adminByName = true
      const parsed = parsedPolicy(managed?.document ?? null, 'identity')
      if (parsed) identity.push({ id: arn, name: managed?.name ?? arn, policy: parsed })
      else unread.push(arn)
    }
  }

  const set: PolicySet = { identity }
  let boundaryUnread = false
  let compiledBoundary: CompiledPolicy | undefined
  if (principal.permissionsBoundaryArn) {
    const managed = index.policyByArn.get(principal.permissionsBoundaryArn)
    const parsed = parsedPolicy(managed?.document ?? null, 'boundary')
    if (parsed) {
      set.boundary = { id: principal.permissionsBoundaryArn, name: managed?.name, policy: parsed }
      compiledBoundary = compilePolicy(parsed)
    } else boundaryUnread = true
  }
  if (scps && scps.length > 0) set.scps = [...scps]
  if (managementAccountId) set.managementAccountId = managementAccountId

  const compiledIdentity = identity.map((input) => compilePolicy(input.policy))
  const unconditionalAdmin = identity.some((input) =>
    input.policy.statements.some((s) => s.conditions.length === 0 && grantsFullAdmin(ctx.iamCatalog, s)),
  )
  const hasDeny = compiledIdentity.some((c) => c.statements.some((s) => s.effect === 'Deny'))
  const boundaryOpen =
    !principal.permissionsBoundaryArn ||
    (set.boundary?.policy.statements.some(
      (s) => s.conditions.length === 0 && grantsFullAdmin(ctx.iamCatalog, s),
    ) === true &&
      !set.boundary.policy.statements.some((s) => s.effect === 'Deny'))
  return {
    set,
    customerPolicyArns: [...new Set(customerPolicyArns)],
    unread: [...new Set(unread)],
    boundaryUnread,
    compiledIdentity,
    ...(compiledBoundary ? { compiledBoundary } : {}),
    alreadyAdmin: (adminByName || unconditionalAdmin) && !hasDeny && boundaryOpen,
  }
}

/**
 * Cheap screen before evaluating: some identity Allow (and, with a boundary, some boundary Allow)
 * names the action at all. Resources and conditions are left to the evaluator.
 */
export function mayAllow(policies: PrincipalPolicies, action: string): boolean {
  const lower = action.toLowerCase()
  const service = lower.slice(0, lower.indexOf(':'))
  // Called per principal and method: the statement test is a function of its own, not a closure
  // made on every call.
  if (!policies.compiledIdentity.some((compiled) => namesAction(compiled, lower, service))) return false
  return !policies.compiledBoundary || namesAction(policies.compiledBoundary, lower, service)
}

function namesAction(compiled: CompiledPolicy, lower: string, service: string): boolean {
  for (const s of compiled.statements) if (s.effect === 'Allow' && s.action(lower, service)) return true
  return false
}
