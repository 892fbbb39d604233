/**
 * Probe requests: an action and how to name the resource it acts on in a given region and
 * account. Resource names come from iam-data's ARN templates, so a probe hits the same resource
 * type a real call would, and resource-scoped SCP statements are judged fairly.
 */

import type { CatalogAction, IamCatalog } from '../iam-catalog.js'

export type ResourceFor = (region: string, accountId: string) => string

export interface ProbeSpec {
  action: string
  actionLower: string
  service: string
  resource: ResourceFor
  /**
   * Whether RCPs govern this probe: a service with RCP support (iam-data's list), acting on a
   * resource of the account (an action on `*`, or on a resource without an account, touches
   * nothing an RCP protects).
   */
  rcp: boolean
}

export interface ProbeSet {
  /** Identifies the set in caches (guardrail id plus the names that shaped its resources). */
  key: string
  probes: ProbeSpec[]
}

const PLACEHOLDER = /\$\{([A-Za-z0-9]+)\}/g

/** Fill an ARN template; `${Region}` and `${Account}` per call, other names from `names`. */
export function compileTemplate(template: string, names: Record<string, string>): ResourceFor {
  const parts: (string | 0 | 1)[] = []
  let last = 0
  for (const m of template.matchAll(PLACEHOLDER)) {
    const start = m.index ?? 0
    parts.push(template.slice(last, start))
    last = start + m[0].length
    const name = m[1]
    if (name === 'Region') parts.push(0)
    else if (name === 'Account') parts.push(1)
    else if (name === 'Partition') parts.push('aws')
    else parts.push(names[name] ?? 'orgwarden-probe')
  }
  parts.push(template.slice(last))
  return (region, accountId) => {
    let out = ''
    for (const p of parts) out += p === 0 ? region : p === 1 ? accountId : p
    return out
  }
}

/** The ARN template of the resource an action acts on first (required types preferred). */
export function resourceTemplateOf(catalog: IamCatalog, action: CatalogAction): string | undefined {
  const service = catalog.services.get(action.name.slice(0, action.name.indexOf(':')).toLowerCase())
  if (!service) return undefined
  const ordered = [...action.resourceTypes].sort((a, b) => Number(b.required) - Number(a.required))
  for (const rt of ordered) {
    const arn = service.resourceArns[rt.name]
    if (arn) return arn
  }
  return undefined
}

export function probeSpec(
  action: string,
  resource: ResourceFor,
  rcpServices: ReadonlySet<string> = new Set(),
): ProbeSpec {
  const service = action.slice(0, action.indexOf(':')).toLowerCase()
  // RCPs protect resources of a member account: the probe's ARN must name the account.
  const sample = resource('us-east-1', '000000000000')
  return {
    action,
    actionLower: action.toLowerCase(),
    service,
    resource,
    rcp: rcpServices.has(service) && sample.split(':')[4] === '000000000000',
  }
}
