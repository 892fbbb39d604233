/**
 * Turn probe outcomes into a verdict with evidence. The rule: a generic probe principal getting
 * through means the guardrail has a hole anyone falls into (not-enforced); only named real
 * principals getting through means a deliberate exemption (exempted, listed).
 */

import type { LevelRef, StatementRef } from '../types.js'
import type { ChainShape } from './chain-shape.js'
import type {
  GuardrailEvidence,
  GuardrailId,
  GuardrailResult,
  ProbeEscape,
  ProbePrincipal,
  ScpChainLevel,
} from './guardrail-types.js'
import type { ProbeOutcome } from './probe-engine.js'

const MAX_ESCAPES = 50
/**
 * Principals named per escape. Escapes are grouped: every principal that gets out with the same
 * actions in the same regions shares one entry. Listed one by one, the 250 principals of an
 * account with 50 users and 200 roles made 50 near-identical entries (15 KB per guardrail, 74 KB
 * for the region allowlist), stored twice (result and finding) and cut off at 50 principals.
 */
const MAX_ESCAPE_PRINCIPALS = 20
const MAX_DECIDING = 20
/**
 * Actions named per escape. A region-allowlist probe group holds one action per regional service
 * (~400): listed whole in each of 50 escapes it made ~480 KB of evidence per account, when
 * `escapingServices` already names every service that gets out.
 */
const MAX_ESCAPE_ACTIONS = 20

function levelRef(level: ScpChainLevel): LevelRef {
  return level.name !== undefined
    ? { targetId: level.targetId, name: level.name }
    : { targetId: level.targetId }
}

/**
 * Name a shape statement from this account's own chain (shapes are shared across accounts):
 * `chain` is the SCP levels followed by the RCP levels, as the shape was built.
 */
export function statementRef(shape: ChainShape, chain: readonly ScpChainLevel[], i: number): StatementRef {
  const s = shape.statements[i]
  const level = chain[s.level]
  const doc = level.policies[s.policy]
  const ref: StatementRef = {
    policyType: s.rcp ? 'rcp' : 'scp',
    policyId: doc.id,
    statementIndex: s.stmt.index,
    effect: s.stmt.effect,
    level: levelRef(level),
  }
  if (doc.name !== undefined) ref.policyName = doc.name
  if (s.stmt.sid !== undefined) ref.sid = s.stmt.sid
  return ref
}

export function emptyEvidence(): GuardrailEvidence {
  return { deciding: [], blockedAt: [], escapes: [], exemptPrincipals: [] }
}

export function buildVerdict(
  id: GuardrailId,
  outcomes: readonly ProbeOutcome[],
  shape: ChainShape,
  chain: readonly ScpChainLevel[],
): GuardrailResult {
  const evidence = emptyEvidence()
  const denyIdx = new Set<number>()
  const blocked = new Set<number>()
  // Principal group (the engine's, shared by its outcomes) → action group → regions: keeps the
  // shared arrays instead of copying them per principal.
  const escaped = new Map<readonly ProbePrincipal[], Map<readonly string[], string[]>>()
  for (const o of outcomes) {
    if (!o.outcome.allowed) {
      for (const i of o.outcome.denies) denyIdx.add(i)
      if (o.outcome.blockedLevel >= 0) blocked.add(o.outcome.blockedLevel)
      continue
    }
    if (o.principals.length === 0) continue
    let groups = escaped.get(o.principals)
    if (!groups) {
      groups = new Map()
      escaped.set(o.principals, groups)
    }
    const regions = groups.get(o.actions)
    if (regions) regions.push(o.region)
    else groups.set(o.actions, [o.region])
  }
  evidence.deciding = [...denyIdx].slice(0, MAX_DECIDING).map((i) => statementRef(shape, chain, i))
  evidence.blockedAt = [...blocked].sort((a, b) => a - b).map((l) => levelRef(chain[l]))
  if (escaped.size === 0) return { id, verdict: 'enforced', evidence }

  evidence.escapes = groupEscapes(escaped)
  if (evidence.escapes.length > MAX_ESCAPES) {
    evidence.escapes = evidence.escapes.slice(0, MAX_ESCAPES)
    evidence.escapesTruncated = true
  }
  if (evidence.escapes.some((e) => e.generic)) return { id, verdict: 'not-enforced', evidence }
  const exempt = new Set<string>()
  for (const principals of escaped.keys()) for (const p of principals) exempt.add(p.label)
  evidence.exemptPrincipals = [...exempt].sort()
  return { id, verdict: 'exempted', evidence }
}

/**
 * One escape per (generic or not, actions, regions), naming every principal that got out that
 * way; generic principals first, then in the order they were probed.
 */
function groupEscapes(
  escaped: Map<readonly ProbePrincipal[], Map<readonly string[], string[]>>,
): ProbeEscape[] {
  const actionIds = new Map<readonly string[], number>()
  const byKey = new Map<string, { got: ProbeEscape; principals: string[] }>()
  for (const [principals, groups] of escaped) {
    const generic = principals.filter((p) => p.generic).map((p) => p.label)
    const named = principals.filter((p) => !p.generic).map((p) => p.label)
    for (const [actions, regions] of groups) {
      let actionId = actionIds.get(actions)
      if (actionId === undefined) {
        actionId = actionIds.size
        actionIds.set(actions, actionId)
      }
      const where = `${actionId}|${regions.join(',')}`
      for (const [isGeneric, labels] of [
        [true, generic],
        [false, named],
      ] as const) {
        if (labels.length === 0) continue
        const key = `${isGeneric ? 'g' : 'r'}|${where}`
        const group = byKey.get(key)
        if (group) {
          group.principals.push(...labels)
          continue
        }
        const got: ProbeEscape = {
          principals: [],
          generic: isGeneric,
          actions: actions.length > MAX_ESCAPE_ACTIONS ? actions.slice(0, MAX_ESCAPE_ACTIONS) : actions,
          regions,
        }
        if (actions.length > MAX_ESCAPE_ACTIONS) got.actionsTotal = actions.length
        byKey.set(key, { got, principals: [...labels] })
      }
    }
  }
  const list: ProbeEscape[] = []
  for (const { got, principals } of byKey.values()) {
    got.principals = principals.slice(0, MAX_ESCAPE_PRINCIPALS)
    if (principals.length > MAX_ESCAPE_PRINCIPALS) got.principalsTotal = principals.length
    list.push(got)
  }
  return list.sort((a, b) => Number(b.generic) - Number(a.generic))
}

/** region-allowlist extras: which services and regions get out, across all escapes. */
export function addRegionEvidence(
  result: GuardrailResult,
  outcomes: readonly ProbeOutcome[],
  allServices: readonly string[],
): void {
  const regions = new Set<string>()
  const escaped = new Set<readonly string[]>()
  let anyDenied = false
  for (const o of outcomes) {
    if (!o.outcome.allowed) {
      anyDenied = true
      continue
    }
    regions.add(o.region)
    escaped.add(o.services ?? o.actions.map((a) => a.slice(0, a.indexOf(':'))))
  }
  result.evidence.escapingRegions = [...regions].sort()
  if (escaped.size === 0) result.evidence.escapingServices = []
  // Nothing was stopped: every probed service escapes; share the (frozen) list, skip the union.
  else if (!anyDenied) result.evidence.escapingServices = allServices as string[]
  else result.evidence.escapingServices = [...new Set([...escaped].flat())].sort()
}
