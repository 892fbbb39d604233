/** The account's resources a method step can act on, for one principal. */
import type { AccountState, IamRole, IamUser } from '../../org/account-state.js'
import type { AccountIndex } from '../support/account-index.js'
import { assumeStatements } from '../support/trust.js'
import type { PrincipalKind, Target } from './methods.js'

export interface TargetScope {
  state: AccountState
  index: AccountIndex
  principal: IamUser | IamRole
  kind: PrincipalKind
  partition: string
  customerPolicyArns: readonly string[]
}

/** Resource ARNs of a non-regional target (regional ones are filled per region by the caller). */
export function targetResources(target: Target, scope: TargetScope): string[] {
  const { state, index, principal } = scope
  switch (target.kind) {
    case 'self':
      return [principal.arn]
    case 'own-groups':
      return scope.kind === 'user' ? groupArns((principal as IamUser).groups, index) : []
    case 'other-groups': {
      if (scope.kind !== 'user') return []
      const own = new Set((principal as IamUser).groups)
      return state.groups.filter((g) => !own.has(g.name)).map((g) => g.arn)
    }
    case 'own-customer-policies':
      return [...scope.customerPolicyArns]
    case 'other-users':
      return state.users
        .filter((u) => u.arn !== principal.arn)
        .filter((u) => {
          if (target.password === undefined) return true
          const row = index.reportRowOf(u)
          // Without a report row the password is unknown: the user stays a candidate both ways.
          return !row || row.passwordEnabled === null || row.passwordEnabled === target.password
        })
        .map((u) => u.arn)
    case 'other-roles':
      return index.customerRoles.filter((r) => r.arn !== principal.arn).map((r) => r.arn)
    case 'regional':
      return []
  }
}

function groupArns(names: readonly string[], index: AccountIndex): string[] {
  return names.flatMap((name) => {
    const group = index.groupByName.get(name)
    return group ? [group.arn] : []
  })
}

const passableCache = new WeakMap<AccountState, Map<string, IamRole[]>>()

/** Roles the service may assume (its trust names the service), other than the principal itself. */
export function passableRoles(service: string, needsInstanceProfile: boolean, scope: TargetScope): IamRole[] {
  let byService = passableCache.get(scope.state)
  if (!byService) {
    byService = new Map()
    passableCache.set(scope.state, byService)
  }
  const key = `${service}|${needsInstanceProfile}`
  let roles = byService.get(key)
  if (!roles) {
    roles = scope.index.customerRoles.filter(
      (role) =>
        (!needsInstanceProfile || role.instanceProfileArns.length > 0) &&
        (assumeStatements(role) ?? []).some((s) => s.services.includes(service)),
    )
    byService.set(key, roles)
  }
  return roles.filter((role) => role.arn !== scope.principal.arn)
}

export function fillTemplate(template: string, partition: string, region: string, accountId: string): string {
  return template
    .replace('{partition}', partition)
    .replace('{region}', region)
    .replace('{account}', accountId)
}

/** The region IAM and the STS global endpoint report as aws:RequestedRegion. */
export function globalRegion(partition: string): string {
  if (partition === 'aws-cn') return 'cn-north-1'
  if (partition === 'aws-us-gov') return 'us-gov-west-1'
  return 'us-east-1'
}
