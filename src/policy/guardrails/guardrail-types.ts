/**
 * Inputs and outputs of guardrail judging. A guardrail is judged by probing: representative
 * requests are evaluated through the account's SCP chain for a set of probe principals.
 */

import type { PrincipalDescription } from '../request-context.js'
import type { LevelRef, PolicyError, StatementRef } from '../types.js'

export type GuardrailId =
  | 'deny-leave-organization'
  | 'region-allowlist'
  | 'restrict-root-user'
  | 'deny-root-access-keys'
  | 'protect-cloudtrail'
  | 'protect-config'
  | 'protect-guardduty'
  | 'protect-security-hub'
  | 'protect-access-analyzer'
  | 'protect-audit-role'

export const GUARDRAIL_IDS: readonly GuardrailId[] = [
  'deny-leave-organization',
  'region-allowlist',
  'restrict-root-user',
  'deny-root-access-keys',
  'protect-cloudtrail',
  'protect-config',
  'protect-guardduty',
  'protect-security-hub',
  'protect-access-analyzer',
  'protect-audit-role',
]

/**
 * - `enforced`: every probe is denied;
 * - `not-enforced`: a generic probe principal (root, any user, any role) gets through, so the
 *   guardrail has a hole that any new principal would fall into — a wildcard exemption such as
 *   every role (`arn:aws:iam::*:role/*`) lands here;
 * - `exempted`: only named real principals get through (break-glass roles), listed in evidence;
 * - `not-applicable`: SCPs do not apply (management account) or the guardrail has no input.
 */
export type GuardrailVerdict = 'enforced' | 'not-enforced' | 'exempted' | 'not-applicable'

export interface ProbePrincipal {
  /** Stable key: `generic:root`, `generic:user`, `generic:role`, or the principal's ARN. */
  id: string
  /** What a report shows: "root user", "any IAM user", or the ARN. */
  label: string
  /** Generic probes stand for "any principal of this kind"; real ones are collected principals. */
  generic: boolean
  principal: PrincipalDescription
}

export interface ScpDocument {
  id: string
  name?: string
  /** The document as AWS returns it (JSON text) or decoded. */
  document: unknown
}

export interface ScpChainLevel {
  targetId: string
  name?: string
  policies: ScpDocument[]
}

export interface JudgeGuardrailsInput {
  accountId: string
  isManagementAccount: boolean
  /** Root first, then each OU, then the account. */
  scpChain: ScpChainLevel[]
  /**
   * The account's RCP chain, root first (empty when RCPs are not enabled). Only its Deny
   * statements count, and only for probes of services RCPs govern on a resource of the account.
   */
  rcpChain?: ScpChainLevel[]
  principals: ProbePrincipal[]
  allowedRegions: readonly string[]
  auditRoleName: string
  orgId?: string
  orgPaths?: string[]
  /** Judge only these (all by default). */
  guardrails?: readonly GuardrailId[]
}

/** Probes that got through: the principals that got out with the same actions in the same regions. */
export interface ProbeEscape {
  /** Generic probe principals ("any IAM role") or real ARNs: the first 20 when there are more (see `principalsTotal`). */
  principals: string[]
  /** How many principals got out this way, when `principals` lists only the first of them. */
  principalsTotal?: number
  /** Whether the principals are generic probes (anyone falls into the hole) rather than named ones. */
  generic: boolean
  /** The probed actions that got through: the first 20 when there are more (see `actionsTotal`). */
  actions: readonly string[]
  /** How many actions got through, when `actions` lists only the first of them. */
  actionsTotal?: number
  regions: readonly string[]
}

export interface GuardrailEvidence {
  /** Deny statements that stopped probes. */
  deciding: StatementRef[]
  /** Levels without an applicable Allow that stopped probes (an implicit deny). */
  blockedAt: LevelRef[]
  /** Probes that got through (capped; `escapesTruncated` says when). */
  escapes: ProbeEscape[]
  escapesTruncated?: boolean
  /** Real principals that got through while every generic probe was stopped. */
  exemptPrincipals: string[]
  /** region-allowlist: services and regions that escape the allowlist. */
  escapingServices?: string[]
  escapingRegions?: string[]
  /** region-allowlist: regional services without a write action to probe. */
  unprobedServices?: string[]
  note?: string
}

export interface GuardrailResult {
  id: GuardrailId
  verdict: GuardrailVerdict
  evidence: GuardrailEvidence
}

export type HygieneCode =
  | 'no-allow'
  | 'near-size-limit'
  | 'over-size-limit'
  | 'too-many-policies'
  | 'invalid-document'
  | 'unattached'

export interface HygieneFinding {
  code: HygieneCode
  targetId: string
  targetName?: string
  policyId?: string
  policyName?: string
  message: string
  errors?: PolicyError[]
}

export interface AccountGuardrailReport {
  accountId: string
  results: GuardrailResult[]
  hygiene: HygieneFinding[]
}
