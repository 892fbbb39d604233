/**
 * Runs the catalogue over one account. A rule that throws is recorded as unknown (with the error)
 * rather than failing the account: one bad rule must not hide every other rule's findings.
 */
import type { AccountState } from '../org/account-state.js'
import { RULES } from './catalogue.js'
import { type RuleSettings, RuleSettingsError, resolveParameters, validateRuleSettings } from './settings.js'
import type { Finding, RuleContext } from './types.js'

export interface UnknownResult {
  ruleId: string
  reason: string
  /** Set when only this region is unknown. */
  region?: string
  /** True when the rule judged the rest of the account (only a part is unknown). */
  partial: boolean
}

export interface AccountEvaluation {
  findings: Finding[]
  unknown: UnknownResult[]
  durationMs: number
  /** Per-rule time, for the benchmark and slow-rule logs. */
  ruleDurationsMs: Record<string, number>
}

export function evaluateAccount(
  state: AccountState,
  ctx: RuleContext,
  settings: RuleSettings = {},
): AccountEvaluation {
  const problems = validateRuleSettings(settings)
  if (problems.length > 0) throw new RuleSettingsError(problems)
  const disabled = new Set(settings.disabledRules ?? [])
  const started = performance.now()
  const findings: Finding[] = []
  const unknown: UnknownResult[] = []
  const ruleDurationsMs: Record<string, number> = {}
  for (const rule of RULES) {
    if (disabled.has(rule.id)) continue
    const t0 = performance.now()
    try {
      const outcome = rule.evaluate(state, ctx, resolveParameters(rule, settings.parameters?.[rule.id]))
      if ('unknown' in outcome)
        unknown.push({ ruleId: rule.id, reason: outcome.unknown.reason, partial: false })
      else {
        findings.push(...outcome.findings)
        for (const part of outcome.incomplete ?? []) {
          unknown.push({
            ruleId: rule.id,
            reason: part.reason,
            partial: true,
            ...(part.region ? { region: part.region } : {}),
          })
        }
      }
    } catch (err) {
      unknown.push({ ruleId: rule.id, reason: `rule failed: ${(err as Error).message}`, partial: false })
    }
    ruleDurationsMs[rule.id] = performance.now() - t0
  }
  return { findings, unknown, durationMs: performance.now() - started, ruleDurationsMs }
}
