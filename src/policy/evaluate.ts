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
 *
 * Written without per-call closures: this runs millions of times per sweep.
 */

import { evaluateChain, evaluateGroup, type GroupOutcome } from './evaluate-groups.js'
import type { PrincipalMatch } from './match/principal-matcher.js'
import { type PreparedLevel, preparePolicySet } from './prepared-policy-set.js'
import { type PreparedRequest, prepareRequest } from './prepared-request.js'
import type {
  ChainDetail,
  ChainSkipReason,
  Decision,
  DecisionStage,
  EvaluationRequest,
  EvaluationResult,
  PolicySet,
  PrincipalKind,
  StatementRef,
} from './types.js'

export interface EvaluateOptions {
  /** Services whose resources RCPs govern (iam-data's list); absent: RCPs apply to every service. */
  rcpServices?: ReadonlySet<string>
}

const IAM_KINDS = new Set<PrincipalKind>(['root', 'user', 'assumed-role', 'federated-user'])

function chainSkip(
  levels: readonly PreparedLevel[] | undefined,
  req: PreparedRequest,
  account: string | undefined,
  policies: PolicySet,
): ChainSkipReason | 'absent' | undefined {
  if (!levels || levels.length === 0) return 'absent'
  if (account !== undefined && account === policies.managementAccountId) return 'management-account'
  if (req.serviceLinkedRole) return 'service-linked-role'
  return undefined
}

function runChain(levels: readonly PreparedLevel[], req: PreparedRequest): ChainDetail {
  const details = evaluateChain(levels, req)
  let allowed = true
  for (const l of details) if (!l.allowed) allowed = false
  return { applies: true, levels: details, allowed }
}

function skipped(reason: ChainSkipReason): ChainDetail {
  return { applies: false, skipReason: reason, levels: [], allowed: true }
}

function chainDetail(
  levels: readonly PreparedLevel[] | undefined,
  skip: ChainSkipReason | 'absent' | undefined,
  req: PreparedRequest,
): ChainDetail | undefined {
  if (skip === 'absent') return undefined
  return skip ? skipped(skip) : runChain(levels as PreparedLevel[], req)
}

/** Boundary and session-policy limits; they also bound role-level resource policy grants. */
function limitOf(
  kind: PrincipalKind,
  boundary?: GroupOutcome,
  session?: GroupOutcome,
): DecisionStage | undefined {
  if (boundary && boundary.allows.length === 0) return 'permissions-boundary'
  if (kind === 'assumed-role' && session && session.allows.length === 0) return 'session-policy'
  if (kind === 'federated-user' && (!session || session.allows.length === 0)) return 'session-policy'
  return undefined
}

/** The identity side: identity policies, then boundary, then session policy. */
function identityStage(
  kind: PrincipalKind,
  identity: GroupOutcome,
  boundary?: GroupOutcome,
  session?: GroupOutcome,
): DecisionStage | undefined {
  if (kind === 'root') return undefined
  if (!IAM_KINDS.has(kind) || identity.allows.length === 0) return 'identity-policy'
  return limitOf(kind, boundary, session)
}

function identityAllows(
  identity: GroupOutcome,
  boundary?: GroupOutcome,
  session?: GroupOutcome,
): StatementRef[] {
  if (!boundary && !session) return identity.allows
  return [...identity.allows, ...(boundary?.allows ?? []), ...(session?.allows ?? [])]
}

function chainDenies(
  chain: ChainDetail | undefined,
  out: StatementRef[] | undefined,
): StatementRef[] | undefined {
  if (!chain) return out
  for (const l of chain.levels) {
    if (l.denies.length === 0) continue
    out ??= []
    out.push(...l.denies)
  }
  return out
}

function groupDenies(
  group: GroupOutcome | undefined,
  out: StatementRef[] | undefined,
): StatementRef[] | undefined {
  if (!group || group.denies.length === 0) return out
  out ??= []
  out.push(...group.denies)
  return out
}

const EMPTY_GROUP: GroupOutcome = { allows: [], denies: [], bestAllow: 'none' }

function make(
  decision: Decision,
  decidedBy: DecisionStage,
  deciding: StatementRef[],
  crossAccount: boolean,
  details: EvaluationResult['details'],
): EvaluationResult {
  return { decision, decidedBy, deciding, crossAccount, details }
}

function blocked(
  chain: ChainDetail,
  type: 'scp' | 'rcp',
  crossAccount: boolean,
  details: EvaluationResult['details'],
): EvaluationResult {
  const r = make('ImplicitlyDenied', type, [], crossAccount, details)
  const level = chain.levels.find((l) => !l.allowed)
  if (level)
    r.blockedAt = { policyType: type, targetId: level.targetId, ...(level.name ? { name: level.name } : {}) }
  return r
}

export function evaluate(
  request: EvaluationRequest,
  policies: PolicySet,
  options: EvaluateOptions = {},
): EvaluationResult {
  const req = prepareRequest(request)
  req.hasBoundary = policies.boundary !== undefined
  const kind = req.principal.kind
  const details: EvaluationResult['details'] = {}

  const set = preparePolicySet(policies)
  // Group outcomes double as the per-type details (they carry allows and denies).
  const identity = set.identity ? evaluateGroup(set.identity, req) : EMPTY_GROUP
  if (set.identity) details.identity = identity
  const boundary = set.boundary ? evaluateGroup(set.boundary, req) : undefined
  if (boundary) details.boundary = boundary
  const session = set.session ? evaluateGroup(set.session, req) : undefined
  if (session) details.session = session
  const resource = set.resource ? evaluateGroup(set.resource, req) : undefined
  if (resource) details.resource = resource

  const principalAccount = req.principalAccount
  const resourceAccount = req.resourceAccount ?? principalAccount

  let scpSkip = chainSkip(set.scps, req, principalAccount, policies)
  if (scpSkip === undefined && !IAM_KINDS.has(kind)) scpSkip = 'not-iam'
  const scp = chainDetail(set.scps, scpSkip, req)
  if (scp) details.scp = scp

  let rcpSkip = chainSkip(set.rcps, req, resourceAccount, policies)
  if (rcpSkip === undefined && options.rcpServices && !options.rcpServices.has(req.service))
    rcpSkip = 'service-not-supported'
  const rcp = chainDetail(set.rcps, rcpSkip, req)
  if (rcp) details.rcp = rcp

  const crossAccount = principalAccount !== undefined && resourceAccount !== principalAccount

  // 1. Explicit deny anywhere.
  let denies = groupDenies(identity, undefined)
  denies = groupDenies(boundary, denies)
  denies = groupDenies(session, denies)
  denies = groupDenies(resource, denies)
  denies = chainDenies(scp, denies)
  denies = chainDenies(rcp, denies)
  if (denies) return make('ExplicitlyDenied', 'explicit-deny', denies, crossAccount, details)

  // 2-3. RCPs, then SCPs: every level needs an Allow.
  if (rcp && !rcp.allowed) return blocked(rcp, 'rcp', crossAccount, details)
  if (scp && !scp.allowed) return blocked(scp, 'scp', crossAccount, details)

  const resourceMatch: PrincipalMatch = resource?.bestAllow ?? 'none'
  const resourceAllows = resource?.allows ?? []

  // 4. Cross account: both sides must allow.
  if (crossAccount) {
    if (resourceMatch === 'none')
      return make('ImplicitlyDenied', 'resource-policy', [], crossAccount, details)
    const stage = identityStage(kind, identity, boundary, session)
    if (stage) return make('ImplicitlyDenied', stage, [], crossAccount, details)
    return make(
      'Allowed',
      kind === 'root' ? 'root-user' : 'identity-policy',
      [...resourceAllows, ...identityAllows(identity, boundary, session)],
      crossAccount,
      details,
    )
  }

  // 4. Same account: a resource policy may grant on its own.
  if (resourceMatch === 'direct')
    return make('Allowed', 'resource-policy', resourceAllows, crossAccount, details)
  if (resourceMatch === 'identity') {
    // The identity path must pass the same boundary and session limits, so a limit settles it.
    const limit = limitOf(kind, boundary, session)
    return limit
      ? make('ImplicitlyDenied', limit, [], crossAccount, details)
      : make('Allowed', 'resource-policy', resourceAllows, crossAccount, details)
  }
  const resourceRequired =
    policies.resourcePolicyRequired === true || policies.resource?.policy.kind === 'trust'
  if (resourceRequired && resourceMatch === 'none')
    return make('ImplicitlyDenied', 'resource-policy', [], crossAccount, details)

  // 5. Identity policies, boundary, session policy.
  const stage = identityStage(kind, identity, boundary, session)
  if (stage) return make('ImplicitlyDenied', stage, [], crossAccount, details)
  if (kind === 'root') return make('Allowed', 'root-user', [], crossAccount, details)
  return make(
    'Allowed',
    'identity-policy',
    identityAllows(identity, boundary, session),
    crossAccount,
    details,
  )
}
