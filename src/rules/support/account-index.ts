/**
 * Lookups over one account's IAM entities, built once per state and shared by every rule of the
 * sweep (states are treated as immutable once evaluated).
 */
import type {
  AccountState,
  CredentialReportRow,
  IamGroup,
  IamRole,
  IamUser,
  ManagedPolicy,
} from '../../org/account-state.js'

export type EntityKind = 'user' | 'group' | 'role'

export interface EntityRef {
  kind: EntityKind
  name: string
  arn: string
}

export interface AccountIndex {
  policyByArn: ReadonlyMap<string, ManagedPolicy>
  groupByName: ReadonlyMap<string, IamGroup>
  /** Group name → its members. */
  membersOf: ReadonlyMap<string, readonly IamUser[]>
  /** Managed policy ARN → users, groups and roles it is attached to. */
  attachedTo: ReadonlyMap<string, readonly EntityRef[]>
  reportRowOf(user: IamUser): CredentialReportRow | undefined
  /** Roles that are not service-linked (SCPs and most rules leave service-linked roles out). */
  customerRoles: readonly IamRole[]
}

const cache = new WeakMap<AccountState, AccountIndex>()

export function accountIndex(state: AccountState): AccountIndex {
  const known = cache.get(state)
  if (known) return known
  const membersOf = new Map<string, IamUser[]>()
  for (const user of state.users) {
    for (const group of user.groups) push(membersOf, group, user)
  }
  const attachedTo = new Map<string, EntityRef[]>()
  const entities: Array<[EntityKind, IamUser | IamGroup | IamRole]> = [
    ...state.users.map((u): [EntityKind, IamUser] => ['user', u]),
    ...state.groups.map((g): [EntityKind, IamGroup] => ['group', g]),
    ...state.roles.map((r): [EntityKind, IamRole] => ['role', r]),
  ]
  for (const [kind, entity] of entities) {
    for (const arn of new Set(entity.attachedPolicyArns)) {
      push(attachedTo, arn, { kind, name: entity.name, arn: entity.arn })
    }
  }
  const rowsByArn = new Map(state.credentialReport.map((row) => [row.arn, row]))
  const rowsByName = new Map(state.credentialReport.map((row) => [row.user, row]))
  const index: AccountIndex = {
    policyByArn: new Map(state.managedPolicies.map((p) => [p.arn, p])),
    groupByName: new Map(state.groups.map((g) => [g.name, g])),
    membersOf,
    attachedTo,
    reportRowOf: (user) => rowsByArn.get(user.arn) ?? rowsByName.get(user.name),
    customerRoles: state.roles.filter((role) => !role.isServiceLinked),
  }
  cache.set(state, index)
  return index
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** AWS-managed policy ARNs by name, in any partition: `arn:<p>:iam::aws:policy/<path><name>`. */
export function isAwsManagedPolicy(arn: string, name: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn) && arn.endsWith(`/${name}`)
}
