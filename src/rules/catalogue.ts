/**
 * The rule catalogue: every rule Orgwarden evaluates per account, in a stable order (families in
 * the order a reviewer reads them), plus the guardrail rules produced from guardrail verdicts.
 */
import { principalPrivilegeEscalation } from './escalation/rule.js'
import { ACCOUNT_RULES } from './families/account-services.js'
import { PASSWORD_POLICY_RULES } from './families/password-policy.js'
import { POLICY_RULES } from './families/policies.js'
import { ROLE_RULES } from './families/roles.js'
import { ROOT_RULES } from './families/root.js'
import { USER_RULES } from './families/users.js'
import { GUARDRAIL_RULES } from './guardrail-findings.js'
import type { Rule, RuleMetadata } from './types.js'

export const RULES: readonly Rule[] = [
  ...ROOT_RULES,
  ...PASSWORD_POLICY_RULES,
  ...USER_RULES,
  ...POLICY_RULES,
  principalPrivilegeEscalation,
  ...ROLE_RULES,
  ...ACCOUNT_RULES,
]

const byId = new Map(RULES.map((rule) => [rule.id, rule]))

export function ruleById(id: string): Rule | undefined {
  return byId.get(id)
}

function metadataOf(rule: Rule): RuleMetadata {
  const { evaluate: _evaluate, ...metadata } = rule
  return { kind: 'rule', ...metadata }
}

/** Everything `GET /v1/rules` lists: evaluated rules, then guardrail rules. */
export function catalogueMetadata(): RuleMetadata[] {
  return [...RULES.map(metadataOf), ...GUARDRAIL_RULES]
}
