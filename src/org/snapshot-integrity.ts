/**
 * Checks a schema-valid snapshot file for what a schema cannot see: every id it refers to
 * exists, the OU tree has no cycles, and every active account has data or a reason it has none.
 * A broken reference would otherwise surface much later as a wrong SCP chain.
 */
import { pathOf } from './json-path.js'
import type { RawAccountData } from './raw-account-data.js'
import type { OrgSnapshot } from './types.js'

export interface SnapshotProblem {
  /** Where in the file, e.g. `$.organization.accounts[3].parentId`. */
  path: string
  message: string
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/

export function checkSnapshotIntegrity(
  org: OrgSnapshot,
  accounts: Record<string, RawAccountData | { unreachable: string }>,
): SnapshotProblem[] {
  const problems: SnapshotProblem[] = []
  const at = (segments: Array<string | number>, message: string) =>
    problems.push({ path: pathOf(segments), message })

  const rootIds = uniqueIds(org.roots, 'roots', at)
  const ouIds = uniqueIds(org.organizationalUnits, 'organizationalUnits', at)
  const accountIds = uniqueIds(org.accounts, 'accounts', at)
  uniqueIds(org.policies, 'policies', at)
  const parents = new Set([...rootIds, ...ouIds])
  const targets = new Set([...parents, ...accountIds])

  if (!accountIds.has(org.organization.managementAccountId)) {
    at(
      ['organization', 'organization', 'managementAccountId'],
      `management account ${org.organization.managementAccountId} is not among the accounts`,
    )
  }
  org.organizationalUnits.forEach((ou, i) => {
    if (!parents.has(ou.parentId)) {
      at(['organization', 'organizationalUnits', i, 'parentId'], `parent ${ou.parentId} is not a root or OU`)
    }
  })
  checkCycles(org, rootIds, at)
  org.accounts.forEach((account, i) => {
    if (!parents.has(account.parentId)) {
      at(['organization', 'accounts', i, 'parentId'], `parent ${account.parentId} is not a root or OU`)
    }
  })
  org.policies.forEach((policy, i) => {
    policy.targets.forEach((target, j) => {
      if (!targets.has(target)) {
        at(['organization', 'policies', i, 'targets', j], `target ${target} is not a root, OU or account`)
      }
    })
  })
  org.delegatedAdministrators.forEach((admin, i) => {
    if (!accountIds.has(admin.accountId)) {
      at(
        ['organization', 'delegatedAdministrators', i, 'accountId'],
        `account ${admin.accountId} is not in the organization`,
      )
    }
  })

  checkAccountEntries(org, accounts, accountIds, at)
  return problems
}

type At = (segments: Array<string | number>, message: string) => void

function uniqueIds(items: ReadonlyArray<{ id: string }>, list: string, at: At): Set<string> {
  const seen = new Set<string>()
  items.forEach((item, i) => {
    if (seen.has(item.id)) at(['organization', list, i, 'id'], `duplicate id ${item.id}`)
    seen.add(item.id)
  })
  return seen
}

/** Every OU must reach a root by following parents; a loop would make paths infinite. */
function checkCycles(org: OrgSnapshot, rootIds: Set<string>, at: At): void {
  const parentOf = new Map(org.organizationalUnits.map((ou) => [ou.id, ou.parentId]))
  org.organizationalUnits.forEach((ou, i) => {
    const seen = new Set<string>()
    let current: string | undefined = ou.id
    while (current !== undefined && !rootIds.has(current)) {
      if (seen.has(current)) {
        at(['organization', 'organizationalUnits', i, 'parentId'], `OU ${ou.id} is part of a parent cycle`)
        return
      }
      seen.add(current)
      current = parentOf.get(current)
    }
  })
}

function checkAccountEntries(
  org: OrgSnapshot,
  accounts: Record<string, RawAccountData | { unreachable: string }>,
  accountIds: Set<string>,
  at: At,
): void {
  for (const [id, entry] of Object.entries(accounts)) {
    if (!accountIds.has(id)) {
      at(['accounts', id], `account ${id} has data but is not in organization.accounts`)
      continue
    }
    if ('unreachable' in entry) continue
    for (const region of Object.keys(entry.regions ?? {})) {
      if (!REGION_NAME.test(region))
        at(['accounts', id, 'regions', region], `"${region}" is not a region name`)
    }
  }
  org.accounts.forEach((account, i) => {
    // Closed accounts cannot be collected, so they need no entry; every other one must say why not.
    const closed = account.status === 'SUSPENDED' || account.status === 'PENDING_CLOSURE'
    if (!closed && !Object.hasOwn(accounts, account.id)) {
      at(
        ['organization', 'accounts', i],
        `account ${account.id} (${account.status}) has no entry under accounts: add its data or { "unreachable": "<reason>" }`,
      )
    }
  })
}
