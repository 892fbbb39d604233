/**
 * The evaluator: AWS's documented order (IAM User Guide, "Policy evaluation logic" and
 * "Cross-account policy evaluation logic"):
 *
 * 1. an explicit Deny in any applicable policy denies;
 * 2. RCPs of the resource's account must allow at every level (not for resources of the
 *    management account, of services without RCP support, or for service-linked roles);
 * 3. SCPs of the principal's account must allow at every level (not for the management
 *    account's principals, nor for service-linked roles);
 * 4. same account: a resource policy naming the caller grants on its own; naming the role behind
 *    a session, it grants unless a boundary or session policy implicitly denies; naming the
 *    account, it only delegates to identity policies;
 *    cross account: the resource policy must allow AND the identity side must allow;
 * 5. identity policies (the root user has full access), then the permissions boundary, then the
 *    session policy (a role session without one passes; a federated-user session needs one).
 */

import { evaluateChain, evaluateGroup, type GroupOutcome } from './evaluate-groups.js'
import type { PrincipalMatch } from './match/principal-matcher.js'
import { type PreparedRequest, prepareRequest } from './prepared-request.js'
import type {
  ChainDetail,
  ChainLevel,
  ChainSkipReason,
  DecisionStage,
  EvaluationRequest,
  EvaluationResult,
  PolicySet,
  StatementRef,
} from './types.js'

export interface EvaluateOptions {
  /** Services whose resources RCPs govern (iam-data's list); absent: RCPs apply to every service. */
  rcpServices?: ReadonlySet<string>
}

const IAM_KINDS = new Set(['root', 'user', 'assumed-role', 'federated-user'])

export function isServiceLinkedRole(req: PreparedRequest): boolean {
  const { identityArn, arn } = req.principal
  if (identityArn?.includes(':role/aws-service-role/')) return true
  return arn.includes(':assumed-role/AWSServiceRoleFor')
}

function chainSkip(
  levels: readonly ChainLevel[] | undefined,
  req: PreparedRequest,
  account: string | undefined,
  policies: PolicySet,
): ChainSkipReason | 'absent' | undefined {
  if (!levels || levels.length === 0) return 'absent'
  if (account !== undefined && account === policies.managementAccountId) return 'management-account'
  if (isServiceLinkedRole(req)) return 'service-linked-role'
  return undefined
}

function runChain(levels: readonly ChainLevel[], type: 'scp' | 'rcp', req: PreparedRequest): ChainDetail {
  const details = evaluateChain(levels, type, req)
  return { applies: true, levels: details, allowed: details.every((l) => l.allowed) }
}

function skipped(reason: ChainSkipReason): ChainDetail {
  return { applies: false, skipReason: reason, levels: [], allowed: true }
}

const EMPTY_GROUP: GroupOutcome = { allows: [], denies: [], bestAllow: 'none' }

export function evaluate(
  request: EvaluationRequest,
  policies: PolicySet,
  options: EvaluateOptions = {},
): EvaluationResult {
  const req = prepareRequest(request)
  req.hasBoundary = policies.boundary !== undefined
  const kind = req.principal.kind
  const details: EvaluationResult['details'] = {}

  const identity = policies.identity ? evaluateGroup(policies.identity, 'identity', req) : EMPTY_GROUP
  if (policies.identity) details.identity = { allows: identity.allows, denies: identity.denies }
  const boundary = policies.boundary ? evaluateGroup([policies.boundary], 'boundary', req) : undefined
  if (boundary) details.boundary = { allows: boundary.allows, denies: boundary.denies }
  const session = policies.session ? evaluateGroup(policies.session, 'session', req) : undefined
  if (session) details.session = { allows: session.allows, denies: session.denies }
  const resource = policies.resource ? evaluateGroup([policies.resource], 'resource', req) : undefined
  if (resource) details.resource = { allows: resource.allows, denies: resource.denies }

  const principalAccount = req.principalAccount
  const resourceAccount = req.resourceAccount ?? principalAccount

  let scpSkip = chainSkip(policies.scps, req, principalAccount, policies)
  if (scpSkip === undefined && !IAM_KINDS.has(kind)) scpSkip = 'not-iam'
  if (scpSkip !== 'absent')
    details.scp = scpSkip ? skipped(scpSkip) : runChain(policies.scps as ChainLevel[], 'scp', req)

  let rcpSkip = chainSkip(policies.rcps, req, resourceAccount, policies)
  const service = req.actionLower.slice(0, req.actionLower.indexOf(':'))
  if (rcpSkip === undefined && options.rcpServices && !options.rcpServices.has(service))
    rcpSkip = 'service-not-supported'
  if (rcpSkip !== 'absent')
    details.rcp = rcpSkip ? skipped(rcpSkip) : runChain(policies.rcps as ChainLevel[], 'rcp', req)

  const crossAccount = principalAccount !== undefined && resourceAccount !== principalAccount
  const result = (
    decision: EvaluationResult['decision'],
    decidedBy: DecisionStage,
    deciding: StatementRef[],
  ) => {
    const r: EvaluationResult = { decision, decidedBy, deciding, crossAccount, details }
    return r
  }

  // 1. Explicit deny anywhere.
  const denies: StatementRef[] = [
    ...identity.denies,
    ...(boundary?.denies ?? []),
    ...(session?.denies ?? []),
    ...(resource?.denies ?? []),
    ...(details.scp?.levels.flatMap((l) => l.denies) ?? []),
    ...(details.rcp?.levels.flatMap((l) => l.denies) ?? []),
  ]
  if (denies.length > 0) return result('ExplicitlyDenied', 'explicit-deny', denies)

  // 2-3. RCPs, then SCPs: every level needs an Allow.
  for (const type of ['rcp', 'scp'] as const) {
    const chain = details[type]
    if (!chain || chain.allowed) continue
    const blocked = chain.levels.find((l) => !l.allowed)
    const r = result('ImplicitlyDenied', type, [])
    if (blocked)
      r.blockedAt = {
        policyType: type,
        targetId: blocked.targetId,
        ...(blocked.name ? { name: blocked.name } : {}),
      }
    return r
  }

  // The identity side: identity policies, then boundary, then session policy.
  const identitySide = (): { stage?: DecisionStage; allows: StatementRef[] } => {
    if (kind === 'root') return { allows: [] }
    if (!IAM_KINDS.has(kind)) return { stage: 'identity-policy', allows: [] }
    if (identity.allows.length === 0) return { stage: 'identity-policy', allows: [] }
    const limit = limits()
    if (limit) return { stage: limit, allows: [] }
    return { allows: [...identity.allows, ...(boundary?.allows ?? []), ...(session?.allows ?? [])] }
  }
  // Boundary and session policy limits, which also bound role-level resource policy grants.
  const limits = (): DecisionStage | undefined => {
    if (boundary && boundary.allows.length === 0) return 'permissions-boundary'
    if (kind === 'assumed-role' && session && session.allows.length === 0) return 'session-policy'
    if (kind === 'federated-user' && (!session || session.allows.length === 0)) return 'session-policy'
    return undefined
  }

  const resourceMatch: PrincipalMatch = resource?.bestAllow ?? 'none'
  const resourceRequired =
    policies.resourcePolicyRequired === true || policies.resource?.policy.kind === 'trust'

  // 4. Cross account: both sides must allow.
  if (crossAccount) {
    if (resourceMatch === 'none') return result('ImplicitlyDenied', 'resource-policy', [])
    const side = identitySide()
    if (side.stage) return result('ImplicitlyDenied', side.stage, [])
    return result('Allowed', kind === 'root' ? 'root-user' : 'identity-policy', [
      ...(resource?.allows ?? []),
      ...side.allows,
    ])
  }

  // 4. Same account: a resource policy may grant on its own.
  if (resourceMatch === 'direct') return result('Allowed', 'resource-policy', resource?.allows ?? [])
  if (resourceMatch === 'identity') {
    // The identity path must pass the same boundary and session limits, so a limit settles it.
    const limit = limits()
    return limit
      ? result('ImplicitlyDenied', limit, [])
      : result('Allowed', 'resource-policy', resource?.allows ?? [])
  }
  if (resourceRequired && resourceMatch === 'none') {
    return result('ImplicitlyDenied', 'resource-policy', [])
  }

  // 5. Identity policies, boundary, session policy.
  const side = identitySide()
  if (side.stage) return result('ImplicitlyDenied', side.stage, [])
  if (kind === 'root') return result('Allowed', 'root-user', [])
  return result('Allowed', 'identity-policy', side.allows)
}
