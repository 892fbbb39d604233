/**
 * Simulate one request the way AWS would decide it, from what a sweep collected: the account's
 * SCP (and RCP) chain and, when the principal was collected, its own identity policies and
 * permissions boundary. Pure: the caller loads the org tree, the account state and the catalog.
 */

import type { AccountState, IamRole, IamUser, InlinePolicy, PolicyDocument } from '../org/account-state.js'
import type { OrgTree } from '../org/tree.js'
import type { PolicyType as OrgPolicyType } from '../org/types.js'
import {
  buildRequest,
  type ChainLevel,
  type EvaluationResult,
  evaluate,
  findAction,
  type IamCatalog,
  type PolicyInput,
  type PolicySet,
  type PrincipalDescription,
  parsePolicy,
  principalArnOf,
} from '../policy/index.js'

/** A request input the caller got wrong; `field` is the body path to name in the 400. */
export class SimulationInputError extends Error {
  override readonly name = 'SimulationInputError'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/** Something the request names that the sweep does not have (an account outside the org). */
export class SimulationNotFoundError extends Error {
  override readonly name = 'SimulationNotFoundError'
}

export type PrincipalInput =
  | { arn: string }
  | { kind: 'root' | 'user' | 'role'; accountId: string; name?: string }

export interface SimulationInput {
  principal: PrincipalInput
  action: string
  resource?: string
  region?: string
  context?: Record<string, string | string[]>
}

export interface SimulationOutcome extends EvaluationResult {
  principal: { arn: string; kind: 'root' | 'user' | 'role'; accountId: string; collected: boolean }
  /** The identity policies and boundary that took part, so "implicitly denied" can be checked. */
  evaluatedPolicies: { identity: { id: string; name?: string }[]; boundary?: { id: string; name?: string } }
  warnings: string[]
}

/** Stands in for a principal whose policies we do not know: the answer is then about SCPs alone. */
export const ALLOW_ALL: PolicyInput = {
  id: 'orgwarden:assume-identity-allows-all',
  name: 'identity allows everything (assumed)',
  policy: parseOrThrow({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  }),
}

function parseOrThrow(doc: unknown) {
  const parsed = parsePolicy(doc, 'identity')
  if (!parsed.ok) throw new Error(`built-in policy does not parse: ${parsed.errors[0]?.message}`)
  return parsed.policy
}

/**
 * An account's SCP or RCP chain, root first, parsed. Documents that do not parse are left out with
 * a warning (Organizations would not have accepted them). Empty when the policy type is off.
 */
export function chainLevels(
  tree: OrgTree,
  accountId: string,
  type: OrgPolicyType,
  warnings: string[],
): ChainLevel[] {
  if (!tree.isPolicyTypeEnabled(type)) return []
  const kind = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp'
  return tree.policyChain(accountId, type).map((level) => ({
    targetId: level.targetId,
    name: level.name,
    policies: level.policies.flatMap((p) => {
      const parsed = parsePolicy(p.content, kind)
      if (parsed.ok) return [{ id: p.id, name: p.name, policy: parsed.policy }]
      warnings.push(
        `${kind.toUpperCase()} ${p.name} (${p.id}) at ${level.name} does not parse and was left out`,
      )
      return []
    }),
  }))
}

const ARN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/

/** The principal as the evaluator describes it, from an ARN or a kind/account/name triple. */
export function resolvePrincipal(
  input: PrincipalInput,
): PrincipalDescription & { kind: 'root' | 'user' | 'role' } {
  if (!('arn' in input)) {
    return { kind: input.kind, accountId: input.accountId, ...(input.name ? { name: input.name } : {}) }
  }
  const m = ARN.exec(input.arn)
  const bad = () =>
    new SimulationInputError(
      'body.principal.arn',
      'must be a root, IAM user, IAM role or assumed-role session ARN, e.g. arn:aws:iam::123456789012:role/Deploy',
    )
  if (!m) throw bad()
  const [, partition, service, accountId, resource] = m as unknown as [string, string, string, string, string]
  if (service === 'iam' && resource === 'root') return { kind: 'root', accountId, partition }
  if (service === 'sts') {
    const session = /^assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(resource)
    if (!session) throw bad()
    return { kind: 'role', accountId, name: session[1]!, sessionName: session[2]!, partition }
  }
  const named = /^(user|role)(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/.exec(resource)
  if (!named) throw bad()
  return { kind: named[1] as 'user' | 'role', accountId, path: named[2]!, name: named[3]!, partition }
}

interface IdentityPolicies {
  identity: PolicyInput[]
  boundary?: PolicyInput
}

/** A collected user's or role's policies: its own inline and attached ones, and its groups'. */
export function identityPoliciesOf(
  principal: IamUser | IamRole,
  state: AccountState,
  warnings: string[],
): IdentityPolicies {
  const out: PolicyInput[] = []
  const inline = (owner: string, list: InlinePolicy[]) => {
    for (const p of list) addDocument(out, `${owner}#inline/${p.name}`, p.name, p.document, warnings)
  }
  const attached = (arns: string[]) => {
    for (const arn of arns) {
      const managed = state.managedPolicies.find((m) => m.arn === arn)
      addDocument(
        out,
        arn,
        managed?.name ?? arn.slice(arn.lastIndexOf('/') + 1),
        managed?.document ?? null,
        warnings,
      )
    }
  }
  inline(principal.arn, principal.inlinePolicies)
  attached(principal.attachedPolicyArns)
  if ('groups' in principal) {
    for (const name of principal.groups) {
      const group = state.groups.find((g) => g.name === name)
      if (!group) {
        warnings.push(`group ${name} of ${principal.arn} was not collected; its policies were not evaluated`)
        continue
      }
      inline(group.arn, group.inlinePolicies)
      attached(group.attachedPolicyArns)
    }
  }
  const result: IdentityPolicies = { identity: out }
  if (principal.permissionsBoundaryArn) {
    const arn = principal.permissionsBoundaryArn
    const managed = state.managedPolicies.find((m) => m.arn === arn)
    const holder: PolicyInput[] = []
    addDocument(holder, arn, managed?.name, managed?.document ?? null, warnings, 'boundary')
    if (holder[0]) result.boundary = holder[0]
    else warnings.push(`the permissions boundary was not evaluated, so the decision ignores it`)
  }
  return result
}

function addDocument(
  out: PolicyInput[],
  id: string,
  name: string | undefined,
  document: PolicyDocument | null,
  warnings: string[],
  kind: 'identity' | 'boundary' = 'identity',
) {
  const label = `policy ${name ?? id}`
  if (!document) {
    warnings.push(`${label} (${id}) not evaluated: its document is not in the sweep's data`)
    return
  }
  const parsed = parsePolicy(document, kind)
  if (!parsed.ok) {
    warnings.push(`${label} (${id}) not evaluated: ${parsed.errors[0]?.path}: ${parsed.errors[0]?.message}`)
    return
  }
  out.push({ id, ...(name ? { name } : {}), policy: parsed.policy })
}

function resourceAccountOf(resource: string, fallback: string): string {
  const account = resource.split(':')[4]
  return account && /^\d{12}$/.test(account) ? account : fallback
}

/**
 * Decide one request. `state` is the principal's account state from the sweep (undefined when the
 * account was not collected); a principal not found there is treated as generic.
 */
export function simulate(
  tree: OrgTree,
  state: AccountState | undefined,
  iam: IamCatalog,
  input: SimulationInput,
): SimulationOutcome {
  const action = findAction(iam, input.action)
  if (!action) {
    throw new SimulationInputError(
      'body.action',
      `${input.action} is not an action of any AWS service we know`,
    )
  }
  const principal = resolvePrincipal(input.principal)
  const account = tree.account(principal.accountId)
  if (!account) {
    throw new SimulationNotFoundError(
      `account ${principal.accountId} is not in the organization of this sweep`,
    )
  }
  const warnings: string[] = []
  if (account.status !== 'ACTIVE') warnings.push(`account ${account.id} is ${account.status}`)

  const collected = findCollected(principal, state)
  if (collected && !principal.path) principal.path = collected.path
  if (collected) {
    principal.uniqueId = collected.id
    principal.tags = collected.tags
  }
  const policies: PolicySet = { managementAccountId: tree.snapshot.organization.managementAccountId }
  let identity: IdentityPolicies = { identity: [] }
  if (principal.kind !== 'root') {
    if (collected && state) {
      identity = identityPoliciesOf(collected, state, warnings)
    } else {
      identity = { identity: [ALLOW_ALL] }
      const why = !state
        ? `account ${account.id} has no collected IAM data in this sweep`
        : principal.name
          ? `${principal.kind} ${principal.name} was not collected in account ${account.id}`
          : `no ${principal.kind} name was given`
      warnings.push(
        `${why}: its identity policies are assumed to allow everything, so the decision is about SCPs (and RCPs) alone`,
      )
    }
    policies.identity = identity.identity
    if (identity.boundary) policies.boundary = identity.boundary
  }

  policies.scps = chainLevels(tree, account.id, 'SERVICE_CONTROL_POLICY', warnings)
  if (policies.scps.length === 0) warnings.push('SCPs are not enabled in this organization')
  const resource = input.resource ?? '*'
  const resourceAccount = resourceAccountOf(resource, account.id)
  if (tree.account(resourceAccount)) {
    policies.rcps = chainLevels(tree, resourceAccount, 'RESOURCE_CONTROL_POLICY', warnings)
  }
  if (tree.isManagementAccount(account.id)) {
    warnings.push('this is the management account: SCPs and RCPs do not apply to it')
  }

  const request = buildRequest({
    principal: {
      ...principal,
      orgId: tree.snapshot.organization.id,
      orgPaths: [tree.orgPath(account.id)],
    },
    action: action.name,
    resource,
    ...(input.region ? { region: input.region } : {}),
    resourceAccountId: resourceAccount,
    ...(tree.account(resourceAccount) ? { resourceOrgId: tree.snapshot.organization.id } : {}),
    ...(input.context ? { context: input.context } : {}),
  })
  const result = evaluate(request, policies, { rcpServices: iam.rcpServices })
  return {
    ...result,
    principal: {
      arn: principalArnOf(principal),
      kind: principal.kind,
      accountId: account.id,
      // The root user has no policies to collect: known as soon as its account was collected.
      collected: principal.kind === 'root' ? state !== undefined : collected !== undefined,
    },
    evaluatedPolicies: {
      identity: identity.identity.map((p) => ({ id: p.id, ...(p.name ? { name: p.name } : {}) })),
      ...(identity.boundary ? { boundary: { id: identity.boundary.id, name: identity.boundary.name } } : {}),
    },
    warnings,
  }
}

function findCollected(
  principal: PrincipalDescription,
  state: AccountState | undefined,
): IamUser | IamRole | undefined {
  if (!state || !principal.name) return undefined
  const list: (IamUser | IamRole)[] =
    principal.kind === 'user' ? state.users : principal.kind === 'role' ? state.roles : []
  return list.find((p) => p.name === principal.name)
}
