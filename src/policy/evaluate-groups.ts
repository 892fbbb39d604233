/**
 * Evaluate a group of policies of one type (identity, boundary, resource…) or an SCP/RCP chain
 * against a prepared request, collecting the statements that apply. Every statement is looked
 * at, not just until the first match: the deny search needs them all, and so do explanations.
 */

import { compilePolicy, statementApplies } from './compile-policy.js'
import type { PrincipalMatch } from './match/principal-matcher.js'
import type { PreparedRequest } from './prepared-request.js'
import type { ChainLevel, LevelDetail, LevelRef, PolicyInput, PolicyType, StatementRef } from './types.js'

export interface GroupOutcome {
  allows: StatementRef[]
  denies: StatementRef[]
  /** The strongest principal match among applicable Allow statements (resource policies). */
  bestAllow: PrincipalMatch
}

const STRENGTH: Record<PrincipalMatch, number> = { none: 0, account: 1, identity: 2, direct: 3 }

/** Shared empty list: most groups match nothing, and allocating per evaluation adds up. */
const NONE: StatementRef[] = []
Object.freeze(NONE)

export function evaluateGroup(
  inputs: readonly PolicyInput[],
  type: PolicyType,
  req: PreparedRequest,
  level?: LevelRef,
): GroupOutcome {
  let allows = NONE
  let denies = NONE
  let bestAllow: PrincipalMatch = 'none'
  for (const input of inputs) {
    const compiled = compilePolicy(input.policy)
    for (const s of compiled.statements) {
      const match = statementApplies(s, req)
      if (match === false) continue
      const ref: StatementRef = {
        policyType: type,
        policyId: input.id,
        statementIndex: s.index,
        effect: s.effect,
      }
      if (input.name !== undefined) ref.policyName = input.name
      if (s.sid !== undefined) ref.sid = s.sid
      if (level) ref.level = level
      if (s.effect === 'Deny') {
        if (denies === NONE) denies = []
        denies.push(ref)
      } else {
        if (allows === NONE) allows = []
        allows.push(ref)
        if (STRENGTH[match] > STRENGTH[bestAllow]) bestAllow = match
      }
    }
  }
  return { allows, denies, bestAllow }
}

/**
 * An SCP or RCP chain: the request passes only if every level has an applicable Allow, and no
 * level has an applicable Deny (the deny is reported by the caller with all other denies).
 */
export function evaluateChain(
  levels: readonly ChainLevel[],
  type: 'scp' | 'rcp',
  req: PreparedRequest,
): LevelDetail[] {
  return levels.map((level) => {
    const ref: LevelRef =
      level.name !== undefined ? { targetId: level.targetId, name: level.name } : { targetId: level.targetId }
    const outcome = evaluateGroup(level.policies, type, req, ref)
    const detail: LevelDetail = {
      targetId: level.targetId,
      allows: outcome.allows,
      denies: outcome.denies,
      allowed: outcome.allows.length > 0,
    }
    if (level.name !== undefined) detail.name = level.name
    return detail
  })
}
