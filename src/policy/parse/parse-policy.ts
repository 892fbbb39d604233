/**
 * Parse and validate a policy document of a given kind. Accepts the JSON text (as AWS returns
 * it) or an already-decoded value; never throws, whatever it is given.
 */

import type { ParsedPolicy, ParsedStatement, ParseResult, PolicyKind, PolicyVersion } from '../types.js'
import { parseStatement } from './parse-statement.js'
import { childPath, ErrorSink, fingerprint, isObject, typeName } from './parse-support.js'

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement'])
const VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17']

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/**
 * `text`, with a parsed `document`: the JSON text it was parsed from, when the caller has it
 * (the fingerprint and size are taken from it instead of serializing the document again).
 */
export function parsePolicy(document: unknown, kind: PolicyKind, text?: string): ParseResult {
  const sink = new ErrorSink()
  let value = document
  if (typeof document === 'string') {
    text = document
    try {
      value = JSON.parse(document)
    } catch (err) {
      return { ok: false, errors: [{ path: '$', message: `not valid JSON: ${(err as Error).message}` }] }
    }
  } else if (text === undefined) {
    text = safeStringify(document)
    if (text === undefined) return { ok: false, errors: [{ path: '$', message: 'not a JSON value' }] }
  }

  if (!isObject(value))
    return { ok: false, errors: [{ path: '$', message: `expected an object, got ${typeName(value)}` }] }

  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL.has(key)) sink.add(childPath('$', key), `unknown policy element "${key}"`)
  }

  let version: PolicyVersion | undefined
  if (Object.hasOwn(value, 'Version')) {
    if (typeof value.Version === 'string' && VERSIONS.includes(value.Version))
      version = value.Version as PolicyVersion
    else
      sink.add(
        '$.Version',
        `Version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(value.Version)}`,
      )
  } else if (kind === 'rcp') {
    sink.add('$', 'missing Version (resource control policies require "2012-10-17")')
  }

  let id: string | undefined
  if (Object.hasOwn(value, 'Id')) {
    if (typeof value.Id === 'string') id = value.Id
    else sink.add('$.Id', `expected a string, got ${typeName(value.Id)}`)
  }

  const statements: ParsedStatement[] = []
  const variablesOn = version === '2012-10-17'
  if (!Object.hasOwn(value, 'Statement')) sink.add('$', 'missing Statement')
  else if (Array.isArray(value.Statement)) {
    if (value.Statement.length === 0) sink.add('$.Statement', 'expected at least one statement')
    value.Statement.forEach((s, i) => {
      const parsed = parseStatement(s, i, childPath('$.Statement', i), kind, variablesOn, sink)
      if (parsed) statements.push(parsed)
    })
  } else {
    const parsed = parseStatement(value.Statement, 0, '$.Statement', kind, variablesOn, sink)
    if (parsed) statements.push(parsed)
  }

  // IAM requires Sid values to be unique within a policy.
  const sids = new Map<string, number>()
  for (const st of statements) {
    if (st.sid === undefined || st.sid === '') continue
    const first = sids.get(st.sid)
    if (first === undefined) sids.set(st.sid, st.index)
    else
      sink.add(
        childPath(childPath('$.Statement', st.index), 'Sid'),
        `duplicate Sid "${st.sid}" (also statement ${first})`,
      )
  }

  if (sink.errors.length > 0) return { ok: false, errors: sink.errors }
  const policy: ParsedPolicy = {
    kind,
    statements,
    size: text.length,
    fingerprint: `${kind}:${fingerprint(text)}`,
  }
  if (version) policy.version = version
  if (id !== undefined) policy.id = id
  return { ok: true, policy }
}

/** Parse or throw, for trusted inputs such as fixtures and AWS-managed policies. */
export function parsePolicyOrThrow(document: unknown, kind: PolicyKind): ParsedPolicy {
  const result = parsePolicy(document, kind)
  if (!result.ok) {
    const first = result.errors[0]
    throw new Error(`invalid ${kind} policy at ${first.path}: ${first.message}`)
  }
  return result.policy
}
