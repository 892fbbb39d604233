/**
 * IAM wildcard matching (`*` any run of characters, `?` exactly one). Patterns compile once into
 * the cheapest matcher that fits: constant, exact, prefix, suffix, or an anchored regex.
 *
 * Resolved policy variables may carry a literal `*` or `?` (from `${*}` / `${?}`); they are
 * written as the private markers below so they never act as wildcards.
 */

export const LITERAL_STAR = '\u0001'
export const LITERAL_QUESTION = '\u0002'

export type StringMatcher = (value: string) => boolean

const always: StringMatcher = () => true

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g

export function restoreLiterals(text: string): string {
  if (!text.includes(LITERAL_STAR) && !text.includes(LITERAL_QUESTION)) return text
  return text.replaceAll(LITERAL_STAR, '*').replaceAll(LITERAL_QUESTION, '?')
}

/** Regex source for a pattern; `*` spans everything, including `:` and `/`. */
export function wildcardToRegexSource(pattern: string): string {
  let out = ''
  for (const ch of pattern) {
    if (ch === '*') out += '.*'
    else if (ch === '?') out += '.'
    else out += restoreLiterals(ch).replace(REGEX_SPECIALS, '\\$&')
  }
  return out
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?')
}

/**
 * Compile a wildcard pattern. With `ignoreCase`, the caller must lower-case the values it tests
 * (we lower-case the pattern once here rather than every value in the regex engine).
 */
export function compileWildcard(pattern: string, ignoreCase = false): StringMatcher {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  if (p === '*') return always
  const star = p.indexOf('*')
  const question = p.indexOf('?')
  if (star < 0 && question < 0) {
    const exact = restoreLiterals(p)
    return (v) => v === exact
  }
  if (question < 0) {
    const last = p.lastIndexOf('*')
    if (star === last) {
      // One star: prefix*, *suffix or prefix*suffix, all without a regex.
      const prefix = restoreLiterals(p.slice(0, star))
      const suffix = restoreLiterals(p.slice(star + 1))
      if (suffix === '') return (v) => v.startsWith(prefix)
      if (prefix === '') return (v) => v.endsWith(suffix)
      const min = prefix.length + suffix.length
      return (v) => v.length >= min && v.startsWith(prefix) && v.endsWith(suffix)
    }
  }
  const re = new RegExp(`^${wildcardToRegexSource(p)}$`, 's')
  return (v) => re.test(v)
}

/** Match a list of patterns as one OR, grouping exact values into a Set. */
export function compileWildcardList(patterns: readonly string[], ignoreCase = false): StringMatcher {
  const exact = new Set<string>()
  const others: StringMatcher[] = []
  for (const raw of patterns) {
    const p = ignoreCase ? raw.toLowerCase() : raw
    if (p === '*') return always
    if (!hasWildcard(p)) exact.add(restoreLiterals(p))
    else others.push(compileWildcard(p))
  }
  if (others.length === 0) {
    if (exact.size === 1) {
      const only = exact.values().next().value as string
      return (v) => v === only
    }
    return (v) => exact.has(v)
  }
  if (exact.size === 0 && others.length === 1) return others[0]
  return (v) => {
    if (exact.has(v)) return true
    for (const m of others) if (m(v)) return true
    return false
  }
}

/** Plain-data reference implementation used by property tests: a backtracking matcher. */
export function wildcardMatchReference(pattern: string, value: string): boolean {
  const p = [...pattern]
  const v = [...value]
  const memo = new Map<number, boolean>()
  const go = (i: number, j: number): boolean => {
    const key = i * (v.length + 1) + j
    const cached = memo.get(key)
    if (cached !== undefined) return cached
    let result: boolean
    if (i === p.length) result = j === v.length
    else if (p[i] === '*') result = go(i + 1, j) || (j < v.length && go(i, j + 1))
    else if (j < v.length && (p[i] === '?' || p[i] === v[j])) result = go(i + 1, j + 1)
    else result = false
    memo.set(key, result)
    return result
  }
  return go(0, 0)
}
