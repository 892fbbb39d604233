/**
 * Resource / NotResource matching, with policy variables resolved per request. Entries without
 * variables compile once; entries with variables compile per resolved text, memoised.
 *
 * An entry whose variable cannot be resolved is dropped. If every entry is dropped the statement
 * cannot apply (AWS: an unresolvable variable may make the statement invalid), which for
 * NotResource means "does not apply" rather than "everything is excluded".
 */

import type { ArnParts } from '../arn.js'
import { type ContextMap, parseTemplate, resolveTemplate, type Template } from '../policy-variables.js'
import type { PreparedRequest } from '../prepared-request.js'
import { type ArnMatcher, compileArnPattern } from './arn-pattern.js'

/** Result of a resource test: match, no match, or "the statement cannot apply". */
export type ResourceTest = (req: PreparedRequest) => boolean

interface Entry {
  fixed?: ArnMatcher
  template?: Template
}

const MEMO_LIMIT = 1024

function compileEntries(patterns: readonly string[], variablesOn: boolean): Entry[] {
  return patterns.map((p) => {
    const template = variablesOn ? parseTemplate(p) : undefined
    return template ? { template } : { fixed: compileArnPattern(p) }
  })
}

function entriesMatcher(
  entries: Entry[],
): (raw: string, arn: ArnParts | undefined, context: ContextMap) => boolean | undefined {
  const memo = new Map<string, ArnMatcher>()
  const resolved = (text: string): ArnMatcher => {
    let m = memo.get(text)
    if (!m) {
      if (memo.size >= MEMO_LIMIT) memo.clear()
      m = compileArnPattern(text)
      memo.set(text, m)
    }
    return m
  }
  // undefined: every entry had an unresolvable variable.
  return (raw, arn, context) => {
    let usable = false
    for (const e of entries) {
      if (e.fixed) {
        usable = true
        if (e.fixed(raw, arn)) return true
        continue
      }
      const text = resolveTemplate(e.template as Template, context)
      if (text === undefined) continue
      usable = true
      if (resolved(text)(raw, arn)) return true
    }
    return usable ? false : undefined
  }
}

export function compileStatementResources(
  resource: readonly string[] | undefined,
  notResource: readonly string[] | undefined,
  variablesOn: boolean,
): ResourceTest {
  if (resource) {
    if (resource.includes('*')) return () => true
    const m = entriesMatcher(compileEntries(resource, variablesOn))
    return (req) => m(req.resource, req.resourceArn, req.context) === true
  }
  if (notResource) {
    const m = entriesMatcher(compileEntries(notResource, variablesOn))
    return (req) => m(req.resource, req.resourceArn, req.context) === false
  }
  // No Resource element (trust policies, implicit resource policies, SCPs written without one).
  return () => true
}

/**
 * Whether a statement's resource test is true for every request (Resource "*" or none), so the
 * guardrail engine can decide it once per action instead of per resource.
 */
export function resourcesAreAgnostic(resource?: readonly string[], notResource?: readonly string[]): boolean {
  if (resource) return resource.includes('*')
  return notResource === undefined
}
