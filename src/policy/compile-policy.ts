/**
 * Compile a parsed policy into matchers, once per document. Compiled policies are cached by the
 * parsed object (WeakMap) and by content fingerprint, so the same SCP attached to a thousand
 * accounts, or the same managed policy attached to a thousand roles, compiles once.
 */

import { type ActionMatcher, compileStatementActions } from './match/action-matcher.js'
import { type CompiledConditions, compileConditions } from './match/condition-matcher.js'
import {
  compileStatementPrincipal,
  type PrincipalMatch,
  type PrincipalMatcher,
} from './match/principal-matcher.js'
import {
  compileStatementResources,
  type ResourceTest,
  resourcesAreAgnostic,
} from './match/resource-matcher.js'
import { parseTemplate } from './policy-variables.js'
import type { PreparedRequest } from './prepared-request.js'
import type { Effect, ParsedPolicy, PolicyKind } from './types.js'

export interface CompiledStatement {
  index: number
  sid?: string
  effect: Effect
  action: ActionMatcher
  resource: ResourceTest
  /** Resource "*" (or none): the resource test is always true. */
  resourceAgnostic: boolean
  principal?: PrincipalMatcher
  conditions?: CompiledConditions
  /** Lower-cased context keys the statement reads (conditions and resource variables). */
  contextKeys: string[]
}

export interface CompiledPolicy {
  kind: PolicyKind
  fingerprint: string
  statements: CompiledStatement[]
  hasAllow: boolean
}

const byObject = new WeakMap<ParsedPolicy, CompiledPolicy>()
const byFingerprint = new Map<string, CompiledPolicy>()
const FINGERPRINT_LIMIT = 20_000

export function compilePolicy(policy: ParsedPolicy): CompiledPolicy {
  const known = byObject.get(policy) ?? byFingerprint.get(policy.fingerprint)
  if (known) {
    byObject.set(policy, known)
    return known
  }
  const variablesOn = policy.version === '2012-10-17'
  const statements = policy.statements.map((s): CompiledStatement => {
    const conditions = compileConditions(s.conditions, variablesOn)
    const resourceKeys = variablesOn
      ? [...(s.resource ?? []), ...(s.notResource ?? [])].flatMap((r) => parseTemplate(r)?.keys ?? [])
      : []
    return {
      index: s.index,
      sid: s.sid,
      effect: s.effect,
      action: compileStatementActions(s.action, s.notAction),
      resource: compileStatementResources(s.resource, s.notResource, variablesOn),
      resourceAgnostic: resourcesAreAgnostic(s.resource, s.notResource),
      principal: compileStatementPrincipal(s.principal, s.notPrincipal, s.effect),
      conditions,
      contextKeys: [...new Set([...(conditions?.keys ?? []), ...resourceKeys])],
    }
  })
  const compiled: CompiledPolicy = {
    kind: policy.kind,
    fingerprint: policy.fingerprint,
    statements,
    hasAllow: statements.some((s) => s.effect === 'Allow'),
  }
  if (byFingerprint.size >= FINGERPRINT_LIMIT) byFingerprint.clear()
  byFingerprint.set(policy.fingerprint, compiled)
  byObject.set(policy, compiled)
  return compiled
}

/**
 * Whether a statement applies to the request; for statements with a principal element, how the
 * principal matched. Cheapest tests first: action, resource, principal, then conditions.
 */
export function statementApplies(s: CompiledStatement, req: PreparedRequest): PrincipalMatch | false {
  if (!s.action(req.actionLower, req.service)) return false
  if (!s.resourceAgnostic && !s.resource(req)) return false
  let match: PrincipalMatch = 'direct'
  if (s.principal) {
    match = s.principal(req)
    if (match === 'none') return false
  }
  if (s.conditions && !s.conditions.test(req.context)) return false
  return match
}
