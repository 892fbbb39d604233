/**
 * The rule catalogue's model. A rule is metadata (what the API shows in `GET /v1/rules`) plus a
 * pure `evaluate` over one account's normalized state. Nothing here does I/O or reads the clock:
 * "now" comes in through the context, so a sweep's verdicts are reproducible from its snapshot.
 */
import type { AccountState } from '../org/account-state.js'
import type { OrgTree } from '../org/tree.js'
import type { ChainLevel, IamCatalog } from '../policy/index.js'

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

/**
 * Control identifiers a rule maps to (see shared/reference/aws-facts.md). Lists, because one rule
 * can answer several controls: a missing password policy fails CIS 1.8 and 1.9 and IAM.11–17.
 */
export interface ControlMappings {
  cisV3?: readonly string[]
  cisV5?: readonly string[]
  cisV6?: readonly string[]
  securityHub?: readonly string[]
  configRule?: readonly string[]
}

export type ParameterValue = number | boolean | string | readonly string[]

export type ParameterType = 'number' | 'boolean' | 'string' | 'string[]'

export interface ParameterSpec {
  type: ParameterType
  default: ParameterValue
  description: string
  /** Numbers only: inclusive bounds a setting must respect. */
  min?: number
  max?: number
}

export type RuleParameters = Readonly<Record<string, ParameterValue>>

export interface Remediation {
  steps: readonly string[]
  docUrl: string
}

export interface Finding {
  ruleId: string
  /** The resource at fault; pseudo-ARNs for things IAM gives no ARN (see support/resources.ts). */
  resourceArn: string
  /** Names the resource: "User billing-reader signs in to the console without MFA". */
  title: string
  /** The values that failed, as plain JSON. */
  evidence: Record<string, unknown>
  /** Overrides the rule's severity for this finding only. */
  severity?: Severity
}

/** A part of the account a rule could not judge (a region, a principal, a document). */
export interface UnknownPart {
  reason: string
  region?: string
}

/**
 * - `findings`: the rule judged the account; `incomplete` lists the parts it could not judge (a
 *   region whose API was denied), which are unknown, never passed;
 * - `unknown`: a collection gap blocks the whole rule.
 */
export type RuleOutcome =
  | { findings: Finding[]; incomplete?: UnknownPart[] }
  | { unknown: { reason: string } }

export interface RuleContext {
  accountId: string
  /** The moment ages are measured from; the sweep passes its collection time. */
  now: Date
  orgTree?: OrgTree
  /** Every account of the organization: trust of any other account is external. */
  organizationAccountIds: ReadonlySet<string>
  orgId?: string
  managementAccountId?: string
  /** From `loadIamCatalog`, loaded once per process by the caller. */
  iamCatalog: IamCatalog
  /** Regions the organization allows; principals are judged there (SCP region denies apply). */
  allowedRegions: readonly string[]
  /** The account's SCP chain, root first; built from `orgTree` when absent (see scpChainFor). */
  scpChain?: readonly ChainLevel[]
}

export interface Rule {
  id: string
  title: string
  severity: Severity
  /** One line: why this matters. */
  rationale: string
  remediation: Remediation
  controls: ControlMappings
  parameters: Readonly<Record<string, ParameterSpec>>
  evaluate(state: AccountState, ctx: RuleContext, params: RuleParameters): RuleOutcome
}

/** Catalogue metadata without the evaluator: what `GET /v1/rules` serializes. */
export type RuleMetadata = Omit<Rule, 'evaluate'> & { kind: 'rule' | 'guardrail' }
