/**
 * The organization as a tree, built once from an OrgSnapshot and then queried many times per
 * sweep (one SCP chain per account, one scope per request), so every query is O(1) or
 * O(depth); depth is at most 7 (root, five OU levels, account).
 */
import type {
  AccountStatus,
  OrgAccount,
  OrgPolicy,
  OrgSnapshot,
  OrgUnit,
  PolicyType,
  SweepScope,
} from './types.js'

export type OrgNodeType = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT'

export interface OrgNode {
  id: string
  type: OrgNodeType
  name: string
  arn: string
  /** null for a root. */
  parentId: string | null
}

/** One level of an account's policy chain: the policies attached directly to that target. */
export interface PolicyLevel {
  targetId: string
  targetType: OrgNodeType
  name: string
  policies: OrgPolicy[]
}

export interface ScopeResolution {
  /** Accounts to sweep, in the snapshot's account order, without duplicates. */
  accountIds: string[]
  /** Ids in the scope that are neither a root, an OU nor an account of this organization. */
  unknownIds: string[]
  /** Accounts in scope but left out because they are not ACTIVE. */
  excluded: Array<{ accountId: string; status: AccountStatus }>
}

export interface ResolveScopeOptions {
  /** Also sweep SUSPENDED and PENDING_CLOSURE accounts (they usually cannot be collected). */
  includeInactive?: boolean
}

/** An id that is not a root, OU or account of the organization. */
export class UnknownOrgEntityError extends Error {
  override readonly name = 'UnknownOrgEntityError'
  constructor(readonly id: string) {
    super(`${id} is not a root, OU or account of this organization`)
  }
}

export interface OrgTree {
  readonly snapshot: OrgSnapshot
  has(id: string): boolean
  node(id: string): OrgNode | undefined
  account(id: string): OrgAccount | undefined
  organizationalUnit(id: string): OrgUnit | undefined
  /** Direct children (OUs then accounts) of a root or OU. */
  children(id: string): readonly string[]
  /** Ids from the root down to and including `id`. */
  pathOf(id: string): string[]
  /**
   * The `aws:PrincipalOrgPaths` / `aws:ResourceOrgPaths` value: `o-xxx/r-xxxx/ou-aaa/ou-bbb/`.
   * For an account it is the path of the OU holding it (AWS does not append the account id);
   * for a root or OU it ends with that root or OU.
   */
  orgPath(id: string): string
  /** Every account below a root or OU, at any depth, whatever its status. */
  accountsUnder(id: string): readonly string[]
  resolveScope(scope: SweepScope, options?: ResolveScopeOptions): ScopeResolution
  /**
   * The SCP or RCP chain of an account, root first, account last. Every level is present even
   * when nothing is attached there: an empty level means everything is implicitly denied.
   * The caller decides what applies: SCPs do not apply to the management account
   * (isManagementAccount) nor when the policy type is off (isPolicyTypeEnabled).
   */
  policyChain(accountId: string, type: PolicyType): PolicyLevel[]
  isManagementAccount(id: string): boolean
  isPolicyTypeEnabled(type: PolicyType): boolean
}

export function buildOrgTree(snapshot: OrgSnapshot): OrgTree {
  const nodes = new Map<string, OrgNode>()
  for (const root of snapshot.roots) {
    nodes.set(root.id, { id: root.id, type: 'ROOT', name: root.name, arn: root.arn, parentId: null })
  }
  for (const ou of snapshot.organizationalUnits) {
    nodes.set(ou.id, {
      id: ou.id,
      type: 'ORGANIZATIONAL_UNIT',
      name: ou.name,
      arn: ou.arn,
      parentId: ou.parentId,
    })
  }
  for (const account of snapshot.accounts) {
    nodes.set(account.id, {
      id: account.id,
      type: 'ACCOUNT',
      name: account.name,
      arn: account.arn,
      parentId: account.parentId,
    })
  }
  const accounts = new Map(snapshot.accounts.map((account) => [account.id, account]))
  const units = new Map(snapshot.organizationalUnits.map((ou) => [ou.id, ou]))

  // Paths are computed once; every later query reads them.
  const paths = new Map<string, string[]>()
  for (const id of nodes.keys()) paths.set(id, walkUp(id, nodes))

  const children = new Map<string, string[]>()
  const descendants = new Map<string, string[]>()
  for (const node of nodes.values()) {
    if (node.parentId !== null) push(children, node.parentId, node.id)
    if (node.type !== 'ACCOUNT') continue
    for (const ancestor of paths.get(node.id)!.slice(0, -1)) push(descendants, ancestor, node.id)
  }

  const attached = new Map<PolicyType, Map<string, OrgPolicy[]>>()
  for (const policy of snapshot.policies) {
    let byTarget = attached.get(policy.type)
    if (!byTarget) {
      byTarget = new Map()
      attached.set(policy.type, byTarget)
    }
    for (const target of policy.targets) push(byTarget, target, policy)
  }
  const enabledTypes = new Set(snapshot.roots.flatMap((root) => root.policyTypes))

  const pathOf = (id: string): string[] => {
    const path = paths.get(id)
    if (!path) throw new UnknownOrgEntityError(id)
    return [...path]
  }
  const isContainer = (id: string) => {
    const type = nodes.get(id)?.type
    return type === 'ROOT' || type === 'ORGANIZATIONAL_UNIT'
  }
  const accountsUnder = (id: string): readonly string[] => {
    if (!isContainer(id)) throw new UnknownOrgEntityError(id)
    return descendants.get(id) ?? []
  }

  return {
    snapshot,
    has: (id) => nodes.has(id),
    node: (id) => nodes.get(id),
    account: (id) => accounts.get(id),
    organizationalUnit: (id) => units.get(id),
    children: (id) => children.get(id) ?? [],
    pathOf,
    orgPath(id) {
      const path = pathOf(id)
      const containers = nodes.get(id)!.type === 'ACCOUNT' ? path.slice(0, -1) : path
      return `${[snapshot.organization.id, ...containers].join('/')}/`
    },
    accountsUnder,
    resolveScope(scope, options = {}) {
      const wanted = new Set<string>()
      const unknownIds: string[] = []
      for (const id of scope.organizationalUnitIds) {
        if (isContainer(id)) for (const accountId of accountsUnder(id)) wanted.add(accountId)
        else unknownIds.push(id)
      }
      for (const id of scope.accountIds) {
        if (accounts.has(id)) wanted.add(id)
        else unknownIds.push(id)
      }
      const resolution: ScopeResolution = { accountIds: [], unknownIds, excluded: [] }
      for (const account of snapshot.accounts) {
        if (!scope.all && !wanted.has(account.id)) continue
        if (account.status === 'ACTIVE' || options.includeInactive) resolution.accountIds.push(account.id)
        else resolution.excluded.push({ accountId: account.id, status: account.status })
      }
      return resolution
    },
    policyChain(accountId, type) {
      if (!accounts.has(accountId)) throw new UnknownOrgEntityError(accountId)
      const byTarget = attached.get(type)
      return paths.get(accountId)!.map((targetId) => {
        const node = nodes.get(targetId)!
        return { targetId, targetType: node.type, name: node.name, policies: byTarget?.get(targetId) ?? [] }
      })
    },
    isManagementAccount: (id) => id === snapshot.organization.managementAccountId,
    isPolicyTypeEnabled: (type) => enabledTypes.has(type),
  }
}

/** Root-first path of a node; refuses orphans and parent loops rather than looping forever. */
function walkUp(id: string, nodes: Map<string, OrgNode>): string[] {
  const path: string[] = []
  let current: OrgNode | undefined = nodes.get(id)
  while (current) {
    if (path.includes(current.id)) throw new Error(`organization has a parent cycle through ${current.id}`)
    path.push(current.id)
    if (current.parentId === null) return path.reverse()
    const parent = nodes.get(current.parentId)
    if (!parent)
      throw new Error(`${current.id} has parent ${current.parentId}, which is not in the organization`)
    current = parent
  }
  return path.reverse()
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
