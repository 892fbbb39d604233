/**
 * What identity-policy statements grant, judged on the parsed policy (our parser normalises
 * single values, NotAction, casing) and the iam-data catalogue (what an action pattern covers),
 * not on the document's text.
 */
import type { PolicyDocument } from '../../org/account-state.js'
import { policyDocumentText } from '../../org/policy-document.js'
import {
  type IamCatalog,
  listActionsMatching,
  type ParsedPolicy,
  type ParsedStatement,
  type PolicyKind,
  parsePolicy,
} from '../../policy/index.js'

const parsedCache = new WeakMap<object, Map<PolicyKind, ParsedPolicy | null>>()

/** The parsed document, or null when it does not parse (IAM would not have stored it). */
export function parsedPolicy(document: PolicyDocument | null, kind: PolicyKind): ParsedPolicy | null {
  if (document === null) return null
  let byKind = parsedCache.get(document)
  if (!byKind) {
    byKind = new Map()
    parsedCache.set(document, byKind)
  }
  const known = byKind.get(kind)
  if (known !== undefined) return known
  const result = parsePolicy(document, kind, policyDocumentText(document))
  const parsed = result.ok ? result.policy : null
  byKind.set(kind, parsed)
  return parsed
}

/** A resource pattern that covers every resource: `*`, or an ARN made only of wildcards. */
export function coversAllResources(pattern: string): boolean {
  if (pattern === '*') return true
  const parts = pattern.split(':')
  return parts.length >= 6 && parts[0] === 'arn' && parts.slice(1).every((part) => /^\*+$/.test(part))
}

const coverageCache = new WeakMap<IamCatalog, Map<string, 'all' | 'service' | 'partial'>>()

/**
 * How much an Action pattern covers: every action of every service, every action of one service
 * (`ec2:*`, `ec2:*?` …), or less. Judged against the catalogue, so `s3:*Object*` is partial and an
 * unknown service is partial too (it grants nothing).
 */
export function actionCoverage(catalog: IamCatalog, pattern: string): 'all' | 'service' | 'partial' {
  let cache = coverageCache.get(catalog)
  if (!cache) {
    cache = new Map()
    coverageCache.set(catalog, cache)
  }
  const key = pattern.toLowerCase()
  const known = cache.get(key)
  if (known) return known
  const colon = key.indexOf(':')
  let coverage: 'all' | 'service' | 'partial' = 'partial'
  if (colon < 0) coverage = /^\*+$/.test(key) ? 'all' : 'partial'
  else {
    const service = key.slice(0, colon)
    const matched = listActionsMatching(catalog, key).length
    if (/^[*?]+$/.test(service) && matched === catalog.actionNames.length) coverage = 'all'
    else if (!/[*?]/.test(service)) {
      const total = catalog.services.get(service)?.actions.length ?? 0
      if (total > 0 && matched === total) coverage = 'service'
    }
  }
  cache.set(key, coverage)
  return coverage
}

/** An Allow statement that grants every action on every resource (conditions are reported). */
export function grantsFullAdmin(catalog: IamCatalog, statement: ParsedStatement): boolean {
  return (
    statement.effect === 'Allow' &&
    (statement.action ?? []).some((a) => actionCoverage(catalog, a) === 'all') &&
    (statement.resource ?? []).some(coversAllResources)
  )
}

/** The `service:*`-style patterns of an Allow statement (full-admin `*` is a different finding). */
export function serviceWildcards(catalog: IamCatalog, statement: ParsedStatement): string[] {
  if (statement.effect !== 'Allow') return []
  return (statement.action ?? []).filter((a) => actionCoverage(catalog, a) === 'service')
}

/** A statement as a finding quotes it: index, Sid and the elements that matter. */
export function describeStatement(statement: ParsedStatement): Record<string, unknown> {
  const out: Record<string, unknown> = { index: statement.index, effect: statement.effect }
  if (statement.sid) out.sid = statement.sid
  if (statement.action) out.action = statement.action
  if (statement.notAction) out.notAction = statement.notAction
  if (statement.resource) out.resource = statement.resource
  if (statement.notResource) out.notResource = statement.notResource
  if (statement.conditions.length > 0) {
    out.conditions = statement.conditions.map((c) => ({ operator: c.operator, key: c.key, values: c.values }))
  }
  return out
}

/** The statements of a policy that grant full admin. */
export function fullAdminStatements(catalog: IamCatalog, statements: readonly ParsedStatement[]) {
  return statements.filter((s) => grantsFullAdmin(catalog, s))
}
