import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compareConfigCompliance, orgwardenRulesByConfigRule } from '../../src/assess/config-agreement.js'
import { RULES } from '../../src/rules/index.js'

const read = (compliance: string, managedRule = 'iam-password-policy') => ({
  status: 'read' as const,
  aggregator: 'org',
  rules: [{ configRuleName: managedRule, managedRule, region: 'eu-west-1', compliance }],
})
const ruleOf = (managedRule: string) => orgwardenRulesByConfigRule().get(managedRule) ?? []

describe('AWS Config compliance against Orgwarden findings', () => {
  test('every configRule mapping of the catalogue is found, with all the rules that share it', () => {
    for (const rule of RULES)
      for (const id of rule.controls.configRule ?? []) assert.ok(ruleOf(id).includes(rule.id), id)
    assert.deepEqual(ruleOf('iam-password-policy').length > 0, true)
  })

  test('the agreement table', () => {
    const [rule] = ruleOf('iam-password-policy')
    const withFinding = new Map([[rule!, { open: 1, suppressed: 0 }]])
    const none = new Map()
    const cases: Array<[string, Map<string, { open: number; suppressed: number }>, boolean, string]> = [
      ['NON_COMPLIANT', withFinding, true, 'agree'],
      ['NON_COMPLIANT', none, true, 'disagree'],
      ['COMPLIANT', none, true, 'agree'],
      ['COMPLIANT', withFinding, true, 'disagree'],
      ['NOT_APPLICABLE', none, true, 'agree'],
      ['NOT_APPLICABLE', withFinding, true, 'disagree'],
      ['INSUFFICIENT_DATA', none, true, 'unknown'],
      // Orgwarden did not judge the account (not collected): nothing to compare with.
      ['COMPLIANT', none, false, 'unknown'],
    ]
    for (const [config, findings, judged, expected] of cases) {
      const view = compareConfigCompliance(read(config), findings, judged)
      assert.equal(view.rules[0]?.agreement, expected, `${config} ${findings.size} ${judged}`)
      assert.equal(view.summary[expected as 'agree'], 1)
    }
  })

  test('an aggregator that could not be read, or none, gives a reason and no rules', () => {
    const unavailable = compareConfigCompliance(
      { status: 'unavailable', error: { Code: 'AccessDeniedException', Message: 'no' } },
      new Map(),
      true,
    )
    assert.deepEqual(
      [unavailable.status, unavailable.reason, unavailable.rules],
      ['unavailable', 'AccessDeniedException: no', []],
    )
    const none = compareConfigCompliance(
      { status: 'no-aggregator', reason: 'no aggregator' },
      new Map(),
      true,
    )
    assert.deepEqual([none.status, none.reason], ['no-aggregator', 'no aggregator'])
    assert.equal(compareConfigCompliance(undefined, new Map(), true).status, 'not-read')
  })

  test('Config rules without an Orgwarden mapping are counted, not compared', () => {
    const view = compareConfigCompliance(
      read('COMPLIANT', 'iam-user-group-membership-check'),
      new Map(),
      true,
    )
    assert.equal(view.unmappedRules, 1)
    assert.deepEqual(view.rules, [])
  })
})
