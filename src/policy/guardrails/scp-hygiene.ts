/**
 * SCP hygiene per node of a chain: a level with no Allow blocks everything beneath it (a
 * FullAWSAccess removed without a replacement), policies close to the size limit cannot grow,
 * more than the allowed number of attachments, and documents that do not parse.
 */

import { compilePolicy } from '../compile-policy.js'
import { docKey, parseScp } from './chain-shape.js'
import type { HygieneFinding, ScpChainLevel } from './guardrail-types.js'

export interface HygieneLimits {
  /** Characters per SCP (10,240 since 2026; 5,120 before). */
  maxPolicySize: number
  /** Share of the size limit from which a policy is reported as near it. */
  nearSizeRatio: number
  /** SCPs attached directly to one root, OU or account. */
  maxPoliciesPerTarget: number
}

export const DEFAULT_HYGIENE_LIMITS: HygieneLimits = {
  maxPolicySize: 10_240,
  nearSizeRatio: 0.9,
  maxPoliciesPerTarget: 10,
}

function sizeOf(document: unknown): number {
  if (typeof document === 'string') return document.length
  try {
    return JSON.stringify(document)?.length ?? 0
  } catch {
    return 0
  }
}

const memo = new Map<string, HygieneFinding[]>()
const MEMO_LIMIT = 50_000

export function levelHygiene(
  level: ScpChainLevel,
  limits: HygieneLimits = DEFAULT_HYGIENE_LIMITS,
): HygieneFinding[] {
  const target = { targetId: level.targetId, ...(level.name !== undefined ? { targetName: level.name } : {}) }
  const findings: HygieneFinding[] = []
  let hasAllow = false
  for (const doc of level.policies) {
    const policy = { policyId: doc.id, ...(doc.name !== undefined ? { policyName: doc.name } : {}) }
    const parsed = parseScp(doc.document)
    if (!parsed.ok) {
      findings.push({
        code: 'invalid-document',
        ...target,
        ...policy,
        message: `SCP ${doc.name ?? doc.id} does not parse: ${parsed.errors[0].path}: ${parsed.errors[0].message}`,
        errors: parsed.errors,
      })
    } else if (compilePolicy(parsed.policy).hasAllow) hasAllow = true
    const size = sizeOf(doc.document)
    if (size > limits.maxPolicySize) {
      findings.push({
        code: 'over-size-limit',
        ...target,
        ...policy,
        message: `SCP ${doc.name ?? doc.id} has ${size} characters, over the limit of ${limits.maxPolicySize}`,
      })
    } else if (size >= limits.maxPolicySize * limits.nearSizeRatio) {
      findings.push({
        code: 'near-size-limit',
        ...target,
        ...policy,
        message: `SCP ${doc.name ?? doc.id} has ${size} of ${limits.maxPolicySize} characters`,
      })
    }
  }
  if (level.policies.length > limits.maxPoliciesPerTarget) {
    findings.push({
      code: 'too-many-policies',
      ...target,
      message: `${level.policies.length} SCPs attached directly, more than ${limits.maxPoliciesPerTarget}`,
    })
  }
  if (!hasAllow) {
    findings.push({
      code: 'no-allow',
      ...target,
      message: 'no SCP attached here allows anything: every action is denied for all accounts below',
    })
  }
  return findings
}

/** Hygiene of every node of a chain, memoised per node and attachment set. */
export function chainHygiene(
  chain: readonly ScpChainLevel[],
  limits: HygieneLimits = DEFAULT_HYGIENE_LIMITS,
): HygieneFinding[] {
  return chain.flatMap((level) => {
    const docs = level.policies.map((p) => `${p.id}=${p.name ?? ''}=${docKey(p)}`).join(',')
    const key = `${level.targetId}\u0000${level.name ?? ''}\u0000${docs}`
    const known = limits === DEFAULT_HYGIENE_LIMITS ? memo.get(key) : undefined
    if (known) return known
    const findings = levelHygiene(level, limits)
    if (limits === DEFAULT_HYGIENE_LIMITS) {
      if (memo.size >= MEMO_LIMIT) memo.clear()
      memo.set(key, findings)
    }
    return findings
  })
}

/** SCPs attached nowhere: dead weight, or a guardrail someone believes is in force. */
export function unattachedPolicies(
  policies: readonly { id: string; name?: string; targets: readonly string[] }[],
): HygieneFinding[] {
  return policies
    .filter((p) => p.targets.length === 0)
    .map((p) => ({
      code: 'unattached' as const,
      targetId: '',
      policyId: p.id,
      ...(p.name !== undefined ? { policyName: p.name } : {}),
      message: `SCP ${p.name ?? p.id} is not attached to any root, OU or account`,
    }))
}
