/**
 * Small helpers shared by the policy parser: JSON paths for error messages, safe object checks
 * (the parser must never throw, whatever JSON it is given) and a content hash.
 */

import { hash } from 'node:crypto'
import type { PolicyError } from '../types.js'

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `$.Statement[0].Condition["aws:SourceIp"]` style paths. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`
}

export class ErrorSink {
  readonly errors: PolicyError[] = []
  add(path: string, message: string): void {
    // A hostile document could produce unbounded errors; the first ones are what a user fixes.
    if (this.errors.length < 200) this.errors.push({ path, message })
  }
}

/** JSON type names as a user reads them in an error message. */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/**
 * A string, or a non-empty array of strings, as IAM accepts for Action, Resource and principal
 * lists. Returns undefined (after reporting) when the shape is wrong.
 */
export function stringList(value: unknown, path: string, sink: ErrorSink): string[] | undefined {
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) {
    sink.add(path, `expected a string or an array of strings, got ${typeName(value)}`)
    return undefined
  }
  if (value.length === 0) {
    sink.add(path, 'expected at least one value, got an empty array')
    return undefined
  }
  const out: string[] = []
  let ok = true
  value.forEach((item, i) => {
    if (typeof item === 'string') out.push(item)
    else {
      sink.add(childPath(path, i), `expected a string, got ${typeName(item)}`)
      ok = false
    }
  })
  return ok ? out : undefined
}

/**
 * A document's content key: SHA-256 of its text. Compiled policies and guardrail verdicts are
 * shared across accounts by this key, so it must resist crafted collisions: with a weak hash, a
 * policy author could make a permissive document pass for another account's harmless one.
 */
export function fingerprint(text: string): string {
  return hash('sha256', text, 'base64url')
}
