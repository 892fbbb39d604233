/**
 * Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, and the escapes
 * `${*}`, `${?}`, `${$}` that stand for the literal character. Only policies of Version
 * 2012-10-17 have variables; in older policies the text is literal (AWS's rule).
 *
 * A variable resolves only to a single-valued context key. When it cannot be resolved and has no
 * default, the element that uses it cannot match (AWS: the statement may become invalid).
 */

import { LITERAL_QUESTION, LITERAL_STAR } from './wildcard.js'

export type TemplatePart = { type: 'text'; value: string } | { type: 'var'; key: string; fallback?: string }

export interface Template {
  parts: TemplatePart[]
  /** The lower-cased context keys the template reads. */
  keys: string[]
}

/** The request context: lower-cased key names to their values. */
export type ContextMap = ReadonlyMap<string, readonly string[]>

const VARIABLE = /\$\{([^}]*)\}/g
const WITH_DEFAULT = /^\s*([^,\s][^,]*?)\s*,\s*'((?:[^']|'')*)'\s*$/

function literal(ch: string): string {
  if (ch === '*') return LITERAL_STAR
  if (ch === '?') return LITERAL_QUESTION
  return ch
}

/** Parse a string into text and variable parts; returns undefined when it has no variable. */
export function parseTemplate(input: string): Template | undefined {
  if (!input.includes('${')) return undefined
  const parts: TemplatePart[] = []
  const keys: string[] = []
  let last = 0
  let found = false
  for (const m of input.matchAll(VARIABLE)) {
    const inner = m[1]
    const start = m.index ?? 0
    if (start > last) parts.push({ type: 'text', value: input.slice(last, start) })
    last = start + m[0].length
    const trimmed = inner.trim()
    if (trimmed === '*' || trimmed === '?' || trimmed === '$') {
      parts.push({ type: 'text', value: literal(trimmed) })
      found = true
      continue
    }
    const withDefault = WITH_DEFAULT.exec(inner)
    if (withDefault) {
      const key = withDefault[1].toLowerCase()
      parts.push({ type: 'var', key, fallback: withDefault[2].replaceAll("''", "'") })
      keys.push(key)
      found = true
      continue
    }
    if (trimmed === '' || /\s/.test(trimmed)) {
      // Not a well-formed variable: AWS cannot substitute it, so it never matches.
      parts.push({ type: 'var', key: '' })
      found = true
      continue
    }
    const key = trimmed.toLowerCase()
    parts.push({ type: 'var', key })
    keys.push(key)
    found = true
  }
  if (!found) return undefined
  if (last < input.length) parts.push({ type: 'text', value: input.slice(last) })
  return { parts, keys }
}

/** Escape a resolved value so wildcard characters in it stay literal. */
function asLiteral(value: string): string {
  if (!value.includes('*') && !value.includes('?')) return value
  return value.replaceAll('*', LITERAL_STAR).replaceAll('?', LITERAL_QUESTION)
}

/**
 * Substitute the variables. Resolved values are literal text (they never act as wildcards).
 * Returns undefined when a variable has no single value and no default.
 */
export function resolveTemplate(template: Template, context: ContextMap): string | undefined {
  let out = ''
  for (const part of template.parts) {
    if (part.type === 'text') {
      out += part.value
      continue
    }
    const values = part.key === '' ? undefined : context.get(part.key)
    if (values !== undefined && values.length === 1) out += asLiteral(values[0])
    else if (part.fallback !== undefined) out += asLiteral(part.fallback)
    else return undefined
  }
  return out
}
