/**
 * A PolicySet compiled for evaluation: every policy compiled, every statement's explanation ref
 * built (frozen, shared by all results that cite it), chain levels resolved. Kept on the
 * PolicySet object, so evaluating one principal's set for many requests prepares it once.
 * A PolicySet must not be changed after it has been evaluated (its lists are checked by identity).
 */

import { type CompiledPolicy, compilePolicy } from './compile-policy.js'
import { objectCache } from './object-cache.js'
import type { ChainLevel, LevelRef, PolicyInput, PolicySet, PolicyType, StatementRef } from './types.js'

export interface PreparedInput {
  compiled: CompiledPolicy
  /** One ref per statement, in statement order. */
  refs: StatementRef[]
}

export interface PreparedLevel {
  targetId: string
  name?: string
  inputs: PreparedInput[]
}

export interface PreparedPolicySet {
  source: PolicySet
  identity?: PreparedInput[]
  boundary?: PreparedInput[]
  session?: PreparedInput[]
  resource?: PreparedInput[]
  scps?: PreparedLevel[]
  rcps?: PreparedLevel[]
  /** The list objects this was built from, to notice a replaced list. */
  lists: unknown[]
}

function prepareInput(input: PolicyInput, type: PolicyType, level?: LevelRef): PreparedInput {
  const compiled = compilePolicy(input.policy)
  const refs = compiled.statements.map((s) => {
    const ref: StatementRef = {
      policyType: type,
      policyId: input.id,
      statementIndex: s.index,
      effect: s.effect,
    }
    if (input.name !== undefined) ref.policyName = input.name
    if (s.sid !== undefined) ref.sid = s.sid
    if (level) ref.level = level
    return Object.freeze(ref)
  })
  return { compiled, refs }
}

function prepareChain(levels: readonly ChainLevel[], type: 'scp' | 'rcp'): PreparedLevel[] {
  return levels.map((level) => {
    const ref: LevelRef = Object.freeze(
      level.name !== undefined
        ? { targetId: level.targetId, name: level.name }
        : { targetId: level.targetId },
    )
    const prepared: PreparedLevel = {
      targetId: level.targetId,
      inputs: level.policies.map((p) => prepareInput(p, type, ref)),
    }
    if (level.name !== undefined) prepared.name = level.name
    return prepared
  })
}

function listsOf(set: PolicySet): unknown[] {
  return [set.identity, set.boundary, set.session, set.resource, set.scps, set.rcps]
}

const cache = objectCache<PolicySet, PreparedPolicySet>('orgwarden.prepared-policy-set')

export function preparePolicySet(set: PolicySet): PreparedPolicySet {
  const known = cache.get(set)
  if (known) {
    const lists = known.lists
    if (
      lists[0] === set.identity &&
      lists[1] === set.boundary &&
      lists[2] === set.session &&
      lists[3] === set.resource &&
      lists[4] === set.scps &&
      lists[5] === set.rcps
    ) {
      return known
    }
  }
  const prepared: PreparedPolicySet = { source: set, lists: listsOf(set) }
  if (set.identity) prepared.identity = set.identity.map((p) => prepareInput(p, 'identity'))
  if (set.boundary) prepared.boundary = [prepareInput(set.boundary, 'boundary')]
  if (set.session) prepared.session = set.session.map((p) => prepareInput(p, 'session'))
  if (set.resource) prepared.resource = [prepareInput(set.resource, 'resource')]
  if (set.scps) prepared.scps = prepareChain(set.scps, 'scp')
  if (set.rcps) prepared.rcps = prepareChain(set.rcps, 'rcp')
  cache.set(set, prepared)
  return prepared
}
