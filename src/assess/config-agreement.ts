/**
 * AWS Config beside Orgwarden: for each AWS Config rule the aggregator reported for an account
 * whose managed rule maps to Orgwarden rules (`controls.configRule` in the rule catalogue), does
 * Config's compliance agree with Orgwarden's findings for those rules?
 *
 * - Config NON_COMPLIANT and Orgwarden has findings (open or suppressed) → agree;
 * - Config COMPLIANT or NOT_APPLICABLE and Orgwarden has none → agree;
 * - the other two combinations → disagree;
 * - Config INSUFFICIENT_DATA, or Orgwarden has no complete collection of the account → unknown.
 *
 * A suppressed finding still counts: suppression accepts a violation, it does not deny it.
 */
import { RULES } from '../rules/index.js'

/** The stored shape (src/aws/config-aggregator-reader.ts ConfigCompliance), read back as JSON. */
export type StoredConfigCompliance =
  | {
      status: 'read'
      aggregator: string
      rules: Array<{ configRuleName: string; managedRule: string; region: string; compliance: string }>
    }
  | { status: 'no-aggregator'; reason: string }
  | { status: 'unavailable'; error: { Code?: string; Message?: string } }

export type Agreement = 'agree' | 'disagree' | 'unknown'

export interface RuleFindingCounts {
  open: number
  suppressed: number
}

export interface ConfigRuleComparison {
  configRuleName: string
  managedRule: string
  region: string
  configCompliance: string
  orgwardenRules: string[]
  orgwarden: {
    status: 'non-compliant' | 'compliant' | 'unknown'
    openFindings: number
    suppressedFindings: number
  }
  agreement: Agreement
}

export interface ConfigAgreementView {
  status: 'read' | 'no-aggregator' | 'unavailable' | 'not-read'
  aggregator: string | null
  reason: string | null
  summary: Record<Agreement, number>
  /** Config rules reported for the account that no Orgwarden rule maps to. */
  unmappedRules: number
  rules: ConfigRuleComparison[]
}

let mapping: Map<string, string[]> | undefined

/** Managed Config rule identifier → the Orgwarden rules that answer it. */
export function orgwardenRulesByConfigRule(): ReadonlyMap<string, string[]> {
  if (!mapping) {
    mapping = new Map()
    for (const rule of RULES)
      for (const id of rule.controls.configRule ?? []) mapping.set(id, [...(mapping.get(id) ?? []), rule.id])
  }
  return mapping
}

/**
 * @param compliance what the sweep stored for the account (undefined: no aggregator was read)
 * @param findings Orgwarden's findings of the account per rule id
 * @param judged whether Orgwarden judged the account (a complete collection in this sweep)
 */
export function compareConfigCompliance(
  compliance: StoredConfigCompliance | undefined,
  findings: ReadonlyMap<string, RuleFindingCounts>,
  judged: boolean,
): ConfigAgreementView {
  const summary: Record<Agreement, number> = { agree: 0, disagree: 0, unknown: 0 }
  const empty = { summary, unmappedRules: 0, rules: [] }
  if (!compliance)
    return {
      status: 'not-read',
      aggregator: null,
      reason: 'no AWS Config aggregator was read for this account in this sweep',
      ...empty,
    }
  if (compliance.status === 'no-aggregator')
    return { status: compliance.status, aggregator: null, reason: compliance.reason, ...empty }
  if (compliance.status === 'unavailable') {
    const { Code, Message } = compliance.error
    return {
      status: compliance.status,
      aggregator: null,
      reason: [Code, Message].filter(Boolean).join(': ') || 'unavailable',
      ...empty,
    }
  }

  const byConfigRule = orgwardenRulesByConfigRule()
  let unmappedRules = 0
  const rules: ConfigRuleComparison[] = []
  for (const r of compliance.rules) {
    const ours = byConfigRule.get(r.managedRule)
    if (!ours) {
      unmappedRules++
      continue
    }
    let open = 0
    let suppressed = 0
    for (const id of ours) {
      open += findings.get(id)?.open ?? 0
      suppressed += findings.get(id)?.suppressed ?? 0
    }
    const status = !judged ? 'unknown' : open + suppressed > 0 ? 'non-compliant' : 'compliant'
    const agreement = agreementOf(r.compliance, status)
    summary[agreement]++
    rules.push({
      configRuleName: r.configRuleName,
      managedRule: r.managedRule,
      region: r.region,
      configCompliance: r.compliance,
      orgwardenRules: ours,
      orgwarden: { status, openFindings: open, suppressedFindings: suppressed },
      agreement,
    })
  }
  rules.sort(
    (a, b) =>
      a.managedRule.localeCompare(b.managedRule) ||
      a.region.localeCompare(b.region) ||
      a.configRuleName.localeCompare(b.configRuleName),
  )
  return { status: 'read', aggregator: compliance.aggregator, reason: null, summary, unmappedRules, rules }
}

function agreementOf(config: string, ours: 'non-compliant' | 'compliant' | 'unknown'): Agreement {
  if (ours === 'unknown') return 'unknown'
  if (config === 'NON_COMPLIANT') return ours === 'non-compliant' ? 'agree' : 'disagree'
  if (config === 'COMPLIANT' || config === 'NOT_APPLICABLE')
    return ours === 'compliant' ? 'agree' : 'disagree'
  return 'unknown'
}
