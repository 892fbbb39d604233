/**
 * SCP what-if: attach a draft SCP at a root, OU or account (optionally detaching policies there)
 * and compare, for every ACTIVE account at or under it, what the SCP chain allows before and
 * after — guardrail verdicts, a probe set of requests, and the services recently used roles rely on.
 * Pure: the caller loads the sweep's org tree and account states.
 */

import type { AccountState, IamRole } from '../org/account-state.js'
import { buildOrgTree, type OrgTree } from '../org/tree.js'
import type { OrgPolicy } from '../org/types.js'
import {
  buildRequest,
  type Decision,
  type EvaluationResult,
  evaluate,
  findAction,
  type GuardrailCatalog,
  type GuardrailVerdict,
  genericProbePrincipals,
  type IamCatalog,
  type LevelRef,
  listActionsMatching,
  type PolicyError,
  type PolicySet,
  type PrincipalDescription,
  parsePolicy,
  probePrincipalFromArn,
  type StatementRef,
  unknownActions,
} from '../policy/index.js'
import { type GuardrailSettings, judgeGuardrails } from './guardrails.js'
import {
  ALLOW_ALL,
  chainLevels,
  identityPoliciesOf,
  SimulationInputError,
  SimulationNotFoundError,
} from './simulate.js'

/** A 400 about the draft document: every parser error, with its path under `body.document`. */
export class DraftInvalidError extends Error {
  override readonly name = 'DraftInvalidError'
  constructor(readonly errors: PolicyError[]) {
    super(`the draft SCP is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`)
  }
}

export interface Probe {
  action: string
  region?: string
}

export interface WhatIfInput {
  document: unknown
  target: string
  detachPolicyIds?: string[]
  probes?: Probe[]
}

export const DRAFT_POLICY_ID = 'p-orgwarden-draft'
/** Roles used within this many days before their account was collected count as "recently used". */
export const RECENT_USE_DAYS = 90
const MAX_LISTED_SERVICES = 50

export const ROLE_USAGE_METHOD =
  'IAM records when and in which region a role was last used (RoleLastUsed), not which services it called. ' +
  `For each role used in the ${RECENT_USE_DAYS} days before its account was collected (service-linked roles excepted), ` +
  'we list the services its own collected policies allow that the change would deny, in the region of its last use. ' +
  'Whether the role actually called those services is not known. For roles allowed every service, one action per ' +
  'service is probed.'

export interface WhatIfPlan {
  before: OrgTree
  after: OrgTree
  target: { id: string; type: string; name: string }
  accountIds: string[]
  probes: Required<Probe>[]
  warnings: string[]
}

function nonAllowedRegion(allowed: readonly string[]): string {
  return (
    ['ap-southeast-2', 'sa-east-1', 'us-west-2', 'ca-central-1'].find((r) => !allowed.includes(r)) ??
    'me-south-1'
  )
}

/** A dozen requests that tell what an SCP change does: regions, leaving, IAM writes, security services. */
export function defaultProbes(allowedRegions: readonly string[]): Required<Probe>[] {
  const inside = allowedRegions[0] ?? 'us-east-1'
  const outside = nonAllowedRegion(allowedRegions)
  return [
    { action: 'ec2:RunInstances', region: inside },
    { action: 'ec2:RunInstances', region: outside },
    { action: 's3:PutObject', region: inside },
    { action: 's3:PutObject', region: outside },
    { action: 'lambda:CreateFunction', region: outside },
    { action: 'organizations:LeaveOrganization', region: 'us-east-1' },
    { action: 'iam:CreateUser', region: 'us-east-1' },
    { action: 'iam:CreateAccessKey', region: 'us-east-1' },
    { action: 'cloudtrail:StopLogging', region: inside },
    { action: 'config:StopConfigurationRecorder', region: inside },
    { action: 'guardduty:DeleteDetector', region: inside },
    { action: 'securityhub:DisableSecurityHub', region: inside },
    { action: 'kms:ScheduleKeyDeletion', region: inside },
  ]
}

/** Validate the request and build the organization as it would be after the change. */
export function planWhatIf(
  before: OrgTree,
  iam: IamCatalog,
  input: WhatIfInput,
  settings: GuardrailSettings,
): WhatIfPlan {
  const parsed = parsePolicy(input.document, 'scp')
  if (!parsed.ok) throw new DraftInvalidError(parsed.errors)
  const node = before.node(input.target)
  if (!node)
    throw new SimulationNotFoundError(`${input.target} is not a root, OU or account of this organization`)
  const warnings: string[] = []
  for (const u of unknownActions(iam, parsed.policy)) {
    warnings.push(`draft ${u.path}: ${u.action} matches no known action, so it allows or denies nothing`)
  }
  if (parsed.policy.size > 5120)
    warnings.push(`the draft is ${parsed.policy.size} characters; AWS allows 5,120`)
  if (!before.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY')) {
    warnings.push('SCPs are not enabled in this organization: nothing would be enforced until they are')
  }

  const detach = new Set(input.detachPolicyIds ?? [])
  ;(input.detachPolicyIds ?? []).forEach((id, i) => {
    const policy = before.snapshot.policies.find((p) => p.id === id && p.type === 'SERVICE_CONTROL_POLICY')
    const field = `body.detachPolicyIds[${i}]`
    if (!policy) throw new SimulationInputError(field, `${id} is not an SCP of this organization`)
    if (!policy.targets.includes(node.id)) {
      throw new SimulationInputError(
        field,
        `${id} (${policy.name}) is not attached to ${node.id} (${node.name})`,
      )
    }
  })
  const draft: OrgPolicy = {
    id: DRAFT_POLICY_ID,
    arn: '',
    name: 'draft',
    description: 'the what-if draft',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: typeof input.document === 'string' ? input.document : JSON.stringify(input.document),
    targets: [node.id],
  }
  const policies = before.snapshot.policies.map((p) =>
    p.type === 'SERVICE_CONTROL_POLICY' && detach.has(p.id)
      ? { ...p, targets: p.targets.filter((t) => t !== node.id) }
      : p,
  )
  const after = buildOrgTree({ ...before.snapshot, policies: [...policies, draft] })

  const inScope = node.type === 'ACCOUNT' ? [node.id] : [...before.accountsUnder(node.id)]
  const accountIds = inScope.filter((id) => before.account(id)?.status === 'ACTIVE')
  if (accountIds.length < inScope.length) {
    warnings.push(
      `${inScope.length - accountIds.length} account(s) in scope are not ACTIVE and were left out`,
    )
  }

  const probes = (input.probes ?? defaultProbes(settings.allowedRegions)).map((p, i) => {
    const action = findAction(iam, p.action)
    if (!action)
      throw new SimulationInputError(`body.probes[${i}].action`, `${p.action} is not a known action`)
    return { action: action.name, region: p.region ?? settings.allowedRegions[0] ?? 'us-east-1' }
  })
  return {
    before,
    after,
    target: { id: node.id, type: node.type, name: node.name },
    accountIds,
    probes,
    warnings,
  }
}

export interface GuardrailChange {
  guardrailId: string
  before: GuardrailVerdict
  after: GuardrailVerdict
  /** The after side's evidence: the statements and levels that decide now. */
  deciding: StatementRef[]
  blockedAt: LevelRef[]
}

export interface ProbeFlip {
  action: string
  region: string
  before: Decision
  after: Decision
  deciding: StatementRef[]
  blockedAt?: LevelRef
}

export interface RoleImpact {
  roleArn: string
  lastUsed: { date: string; region: string | null }
  blockedServices: string[]
  /** Set when more services are blocked than listed. */
  blockedServiceCount: number
}

export interface AccountWhatIf {
  accountId: string
  accountName: string
  orgPath: string
  scpsApply: boolean
  collected: boolean
  guardrailChanges: GuardrailChange[]
  probeFlips: ProbeFlip[]
  recentlyUsedRoles: RoleImpact[]
}

interface Contexts {
  plan: WhatIfPlan
  iam: IamCatalog
  catalog: GuardrailCatalog
  settings: GuardrailSettings
}

/** Compare one account before and after. `state` is its collected IAM state, if any. */
export function assessAccount(
  ctx: Contexts,
  accountId: string,
  state: AccountState | undefined,
): AccountWhatIf {
  const { plan } = ctx
  const account = plan.before.account(accountId)!
  const scpsApply =
    !plan.before.isManagementAccount(accountId) && plan.before.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY')
  const out: AccountWhatIf = {
    accountId,
    accountName: account.name,
    orgPath: plan.before.orgPath(accountId),
    scpsApply,
    collected: state !== undefined,
    guardrailChanges: [],
    probeFlips: [],
    recentlyUsedRoles: [],
  }
  if (!scpsApply) return out

  const judgedBefore = judgeGuardrails(plan.before, accountId, state, ctx.catalog, ctx.settings)
  const judgedAfter = judgeGuardrails(plan.after, accountId, state, ctx.catalog, ctx.settings)
  for (const result of judgedAfter.results) {
    const prior = judgedBefore.results.find((r) => r.id === result.id)
    if (!prior || prior.verdict === result.verdict) continue
    out.guardrailChanges.push({
      guardrailId: result.id,
      before: prior.verdict,
      after: result.verdict,
      deciding: result.evidence.deciding,
      blockedAt: result.evidence.blockedAt,
    })
  }

  const ignored: string[] = []
  const scpsBefore = chainLevels(plan.before, accountId, 'SERVICE_CONTROL_POLICY', ignored)
  const scpsAfter = chainLevels(plan.after, accountId, 'SERVICE_CONTROL_POLICY', ignored)
  const managementAccountId = plan.before.snapshot.organization.managementAccountId
  const decide = (principal: PrincipalDescription, action: string, region: string, set: PolicySet) =>
    evaluate(
      buildRequest({
        principal: { ...principal, orgId: plan.before.snapshot.organization.id, orgPaths: [out.orgPath] },
        action,
        region,
      }),
      { ...set, managementAccountId },
      { rcpServices: ctx.iam.rcpServices },
    )

  const role = genericProbePrincipals(accountId).find((p) => p.id === 'generic:role')!.principal
  for (const probe of plan.probes) {
    const b = decide(role, probe.action, probe.region, { identity: [ALLOW_ALL], scps: scpsBefore })
    const a = decide(role, probe.action, probe.region, { identity: [ALLOW_ALL], scps: scpsAfter })
    if ((b.decision === 'Allowed') === (a.decision === 'Allowed')) continue
    const why: EvaluationResult = a.decision === 'Allowed' ? b : a
    out.probeFlips.push({
      ...probe,
      before: b.decision,
      after: a.decision,
      deciding: why.deciding,
      ...(why.blockedAt ? { blockedAt: { targetId: why.blockedAt.targetId, name: why.blockedAt.name } } : {}),
    })
  }

  for (const r of state ? recentlyUsed(state) : []) {
    const principal = probePrincipalFromArn(r.arn, r.tags)?.principal
    if (!principal) continue
    const own = identityPoliciesOf(r, state!, ignored)
    if (own.identity.length === 0) continue
    const region = r.lastUsed?.region ?? ctx.settings.allowedRegions[0] ?? 'us-east-1'
    const base: PolicySet = { identity: own.identity, ...(own.boundary ? { boundary: own.boundary } : {}) }
    const blocked = new Set<string>()
    for (const action of candidateActions(ctx.iam, own.identity)) {
      const service = action.slice(0, action.indexOf(':'))
      if (blocked.has(service)) continue
      if (decide(principal, action, region, { ...base, scps: scpsBefore }).decision !== 'Allowed') continue
      if (decide(principal, action, region, { ...base, scps: scpsAfter }).decision !== 'Allowed')
        blocked.add(service)
    }
    if (blocked.size === 0) continue
    out.recentlyUsedRoles.push({
      roleArn: r.arn,
      lastUsed: { date: r.lastUsed!.date, region: r.lastUsed!.region },
      blockedServices: [...blocked].sort().slice(0, MAX_LISTED_SERVICES),
      blockedServiceCount: blocked.size,
    })
  }
  return out
}

function recentlyUsed(state: AccountState): IamRole[] {
  const collectedAt = Date.parse(state.collectedAt)
  const since = (Number.isNaN(collectedAt) ? Date.now() : collectedAt) - RECENT_USE_DAYS * 86_400_000
  return state.roles.filter((r) => !r.isServiceLinked && r.lastUsed && Date.parse(r.lastUsed.date) >= since)
}

/**
 * The actions a role's Allow statements name, expanded; for a service wildcard (`*`, `*:*`), one
 * action per service, since SCPs mostly decide per service and 15,000 actions would be noise.
 */
function candidateActions(
  iam: IamCatalog,
  identity: { policy: { statements: readonly { effect: string; action?: readonly string[] }[] } }[],
): string[] {
  const actions = new Set<string>()
  let everyService = false
  for (const p of identity) {
    for (const s of p.policy.statements) {
      if (s.effect !== 'Allow' || !s.action) continue
      for (const pattern of s.action) {
        const service = pattern.split(':')[0] ?? '*'
        if (service.includes('*') || service.includes('?')) everyService = true
        else for (const a of listActionsMatching(iam, pattern)) actions.add(a)
      }
    }
  }
  if (everyService) for (const s of iam.services.values()) if (s.actions[0]) actions.add(s.actions[0].name)
  return [...actions]
}

export interface WhatIfResult {
  target: WhatIfPlan['target']
  probes: Required<Probe>[]
  accounts: AccountWhatIf[]
  summary: { accounts: number; accountsWithChanges: number }
  roleUsageMethod: string
  warnings: string[]
}

export function assessWhatIf(
  plan: WhatIfPlan,
  states: ReadonlyMap<string, AccountState | undefined>,
  iam: IamCatalog,
  catalog: GuardrailCatalog,
  settings: GuardrailSettings,
): WhatIfResult {
  const ctx = { plan, iam, catalog, settings }
  const accounts = plan.accountIds.map((id) => assessAccount(ctx, id, states.get(id)))
  const warnings = [...plan.warnings]
  for (const a of accounts) {
    if (!a.scpsApply)
      warnings.push(`${a.accountId} (${a.accountName}): SCPs do not apply to it, nothing changes`)
    else if (!a.collected) {
      warnings.push(
        `${a.accountId} (${a.accountName}) has no collected IAM data: judged with generic principals only`,
      )
    }
  }
  const changed = (a: AccountWhatIf) =>
    a.guardrailChanges.length + a.probeFlips.length + a.recentlyUsedRoles.length > 0
  return {
    target: plan.target,
    probes: plan.probes,
    accounts,
    summary: { accounts: accounts.length, accountsWithChanges: accounts.filter(changed).length },
    roleUsageMethod: ROLE_USAGE_METHOD,
    warnings,
  }
}
