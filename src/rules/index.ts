/**
 * The IAM best-practice rule catalogue. Pure: rules read a normalized AccountState and a context
 * (organization, clock, iam-data catalogue) and return findings or "unknown"; storing findings,
 * their lifecycle and the API live elsewhere.
 */
export { catalogueMetadata, RULES, ruleById } from './catalogue.js'
export { ESCALATION_METHODS, type EscalationMethod } from './escalation/methods.js'
export { type AccountEvaluation, evaluateAccount, type UnknownResult } from './evaluate-account.js'
export { fingerprint } from './fingerprint.js'
export { GUARDRAIL_RULE_PREFIX, GUARDRAIL_RULES, guardrailFinding } from './guardrail-findings.js'
export {
  type RuleSettings,
  RuleSettingsError,
  resolveParameters,
  type SettingsProblem,
  validateRuleSettings,
} from './settings.js'
export { accountArn } from './support/resources.js'
export { scpChainFor } from './support/scp-chain.js'
export * from './types.js'
