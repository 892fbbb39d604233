/**
 * Action / NotAction matching. Action names are case-insensitive; patterns and request actions are
 * both lower-cased. Exact names go into one Set, `service:*` into a prefix list, the rest into
 * regexes; results of the regex path are memoised per matcher because the same few hundred
 * actions are asked again and again (guardrail probes, benchmarks, sweeps).
 */

import { compileWildcard, hasWildcard, type StringMatcher } from '../wildcard.js'

export type ActionMatcher = (actionLower: string) => boolean

const MEMO_LIMIT = 4096

export function compileActionList(patterns: readonly string[]): ActionMatcher {
  const exact = new Set<string>()
  const prefixes: string[] = []
  const others: StringMatcher[] = []
  for (const raw of patterns) {
    const p = raw.toLowerCase()
    if (p === '*') return () => true
    if (!hasWildcard(p)) exact.add(p)
    else if (p.endsWith(':*') && !hasWildcard(p.slice(0, -2))) prefixes.push(p.slice(0, -1))
    else others.push(compileWildcard(p))
  }
  const fast = (a: string): boolean => {
    if (exact.has(a)) return true
    for (const prefix of prefixes) if (a.startsWith(prefix)) return true
    return false
  }
  if (others.length === 0) return fast
  const memo = new Map<string, boolean>()
  return (a) => {
    if (fast(a)) return true
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
    return (a) => !excluded(a)
  }
  return () => false
}
