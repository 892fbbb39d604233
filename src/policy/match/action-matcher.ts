/**
 * Action / NotAction matching. Action names are case-insensitive; patterns and request actions are
 * both lower-cased. Exact names go into one Set, `service:*` into a prefix list, the rest into
 * regexes; results of the regex path are memoised per matcher because the same few hundred
 * actions are asked again and again (guardrail probes, benchmarks, sweeps).
 */

import { compileWildcard, hasWildcard, type StringMatcher } from '../wildcard.js'

/** Tests a lower-cased action; `service` (its prefix) may be passed when already known. */
export type ActionMatcher = (actionLower: string, service?: string) => boolean

const MEMO_LIMIT = 4096

function serviceOf(actionLower: string): string {
  const colon = actionLower.indexOf(':')
  return colon < 0 ? actionLower : actionLower.slice(0, colon)
}

export function compileActionList(patterns: readonly string[]): ActionMatcher {
  const exact = new Set<string>()
  // `service:*` patterns: a Set of services, so a 40-entry NotAction list costs one lookup.
  const services = new Set<string>()
  const others: StringMatcher[] = []
  for (const raw of patterns) {
    const p = raw.toLowerCase()
    if (p === '*') return () => true
    if (!hasWildcard(p)) exact.add(p)
    else if (p.endsWith(':*') && !hasWildcard(p.slice(0, -2))) services.add(p.slice(0, -2))
    else others.push(compileWildcard(p))
  }
  const fast = (a: string, service?: string): boolean =>
    exact.has(a) || (services.size > 0 && services.has(service ?? serviceOf(a)))
  if (others.length === 0) return fast
  const memo = new Map<string, boolean>()
  return (a, service) => {
    if (fast(a, service)) return true
    const known = memo.get(a)
    if (known !== undefined) return known
    let result = false
    for (const m of others) {
      if (m(a)) {
        result = true
        break
      }
    }
    if (memo.size >= MEMO_LIMIT) memo.clear()
    memo.set(a, result)
    return result
  }
}

/** The statement's action test: Action matches, or NotAction does not. */
export function compileStatementActions(
  action?: readonly string[],
  notAction?: readonly string[],
): ActionMatcher {
  if (action) return compileActionList(action)
  if (notAction) {
    const excluded = compileActionList(notAction)
    return (a, service) => !excluded(a, service)
  }
  return () => false
}
