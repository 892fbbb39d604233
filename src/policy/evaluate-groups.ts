/**
 * Evaluate a group of policies of one type (identity, boundary, resource…) or an SCP/RCP chain
 * against a prepared request, collecting the statements that apply. Every statement is looked
 * at, not just until the first match: the deny search needs them all, and so do explanations.
 * Statement refs in results are frozen and shared between results: treat results as read-only.
 */

import { statementApplies } from './compile-policy.js'
import type { PrincipalMatch } from './match/principal-matcher.js'
import type { PreparedInput, PreparedLevel } from './prepared-policy-set.js'
import type { PreparedRequest } from './prepared-request.js'
import type { LevelDetail, StatementRef } from './types.js'

/** A group's applicable statements; also serves as the group's PolicyTypeDetail. */
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

export function evaluateGroup(inputs: readonly PreparedInput[], req: PreparedRequest): GroupOutcome {
  let allows = NONE
  let denies = NONE
  let bestAllow: PrincipalMatch = 'none'
  for (const { compiled, refs } of inputs) {
    const statements = compiled.statements
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i]
      const match = statementApplies(s, req)
      if (match === false) continue
      if (s.effect === 'Deny') {
        if (denies === NONE) denies = []
        denies.push(refs[i])
      } else {
        if (allows === NONE) allows = []
        allows.push(refs[i])
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
export function evaluateChain(levels: readonly PreparedLevel[], req: PreparedRequest): LevelDetail[] {
  const out: LevelDetail[] = new Array(levels.length)
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]
    const { allows, denies } = evaluateGroup(level.inputs, req)
    const detail: LevelDetail = { targetId: level.targetId, allows, denies, allowed: allows.length > 0 }
    if (level.name !== undefined) detail.name = level.name
    out[i] = detail
  }
  return out
}
