/**
 * Rule settings: parameter overrides and disabled rules. `validateRuleSettings` names every bad
 * value with a path (for the API's 400); `resolveParameters` merges defaults with overrides.
 */
import { ruleById } from './catalogue.js'
import { GUARDRAIL_RULE_PREFIX, GUARDRAIL_RULES } from './guardrail-findings.js'
import type { ParameterSpec, ParameterValue, Rule, RuleParameters } from './types.js'

export interface RuleSettings {
  /** Rule id → parameter name → value. */
  parameters?: Record<string, Record<string, unknown>>
  /** Rule ids not to evaluate (guardrail rule ids are accepted, for the caller to honour). */
  disabledRules?: readonly string[]
}

export interface SettingsProblem {
  path: string
  message: string
}

export class RuleSettingsError extends Error {
  override readonly name = 'RuleSettingsError'
  constructor(readonly problems: SettingsProblem[]) {
    super(problems.map((p) => `${p.path} ${p.message}`).join('; '))
  }
}

const guardrailIds = new Set(GUARDRAIL_RULES.map((rule) => rule.id))

function valueProblem(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number'
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`
      return undefined
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false'
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string'
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be a list of strings'
  }
}

export function validateRuleSettings(settings: RuleSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = []
  for (const [ruleId, overrides] of Object.entries(settings.parameters ?? {})) {
    const rule = ruleById(ruleId)
    if (!rule) {
      problems.push({ path: `parameters.${ruleId}`, message: 'is not a rule with parameters' })
      continue
    }
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
      problems.push({ path: `parameters.${ruleId}`, message: 'must be an object of parameter values' })
      continue
    }
    for (const [name, value] of Object.entries(overrides)) {
      const spec = Object.hasOwn(rule.parameters, name) ? rule.parameters[name] : undefined
      const problem = spec ? valueProblem(spec, value) : `is not a parameter of ${ruleId}`
      if (problem) problems.push({ path: `parameters.${ruleId}.${name}`, message: problem })
    }
  }
  ;(settings.disabledRules ?? []).forEach((id, i) => {
    const known = ruleById(id) !== undefined || (id.startsWith(GUARDRAIL_RULE_PREFIX) && guardrailIds.has(id))
    if (!known)
      problems.push({ path: `disabledRules[${i}]`, message: `${JSON.stringify(id)} is not a rule id` })
  })
  return problems
}

/** Defaults overlaid with valid overrides (validate first: invalid values are refused here too). */
export function resolveParameters(
  rule: Rule,
  overrides: Record<string, unknown> | undefined,
): RuleParameters {
  const resolved: Record<string, ParameterValue> = {}
  for (const [name, spec] of Object.entries(rule.parameters)) {
    const override = overrides && Object.hasOwn(overrides, name) ? overrides[name] : undefined
    if (override === undefined) {
      resolved[name] = spec.default
      continue
    }
    const problem = valueProblem(spec, override)
    if (problem) throw new RuleSettingsError([{ path: `parameters.${rule.id}.${name}`, message: problem }])
    resolved[name] = override as ParameterValue
  }
  return resolved
}
