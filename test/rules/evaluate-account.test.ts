import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  evaluateAccount,
  fingerprint,
  RULES,
  RuleSettingsError,
  resolveParameters,
  ruleById,
  validateRuleSettings,
} from '../../src/rules/index.js'
import { demoContext, demoRaw, demoState, ID, normalize } from './helpers.js'

describe('evaluateAccount', () => {
  test('runs every rule, applies parameter overrides and skips disabled rules', async () => {
    const state = demoState(ID.management)
    const ctx = await demoContext(ID.management)
    const base = evaluateAccount(state, ctx)
    assert.deepEqual(
      Object.keys(base.ruleDurationsMs),
      RULES.map((r) => r.id),
    )
    assert.ok(base.durationMs >= 0)
    const ids = (r: typeof base) => r.findings.map((f) => f.ruleId)
    assert.ok(ids(base).includes('user.access-key-not-rotated'))
    assert.ok(!ids(base).includes('root.recently-used'))

    const tuned = evaluateAccount(state, ctx, {
      parameters: { 'root.recently-used': { days: 200 }, 'user.access-key-not-rotated': { days: 365 } },
      disabledRules: ['role.unused'],
    })
    assert.ok(ids(tuned).includes('root.recently-used'))
    assert.ok(!ids(tuned).includes('user.access-key-not-rotated'))
    assert.ok(!ids(tuned).includes('role.unused'))
    assert.ok(!('role.unused' in tuned.ruleDurationsMs))
  })

  test('whole-rule and partial unknowns are both reported, with the region when there is one', async () => {
    const raw = demoRaw(ID.network)
    raw.iam!.GetAccountAuthorizationDetails = { Error: { Code: 'AccessDenied', Message: 'denied' } }
    const result = evaluateAccount(normalize(ID.network, raw), await demoContext(ID.network))
    const whole = result.unknown.filter((u) => !u.partial).map((u) => u.ruleId)
    for (const id of [
      'user.direct-policy',
      'policy.full-admin',
      'principal.privilege-escalation',
      'role.unused',
      'account.support-role-missing',
    ]) {
      assert.ok(whole.includes(id), id)
    }
    assert.deepEqual(
      result.unknown.filter((u) => u.partial),
      [
        {
          ruleId: 'account.access-analyzer-disabled',
          reason: result.unknown.find((u) => u.partial)?.reason,
          partial: true,
          region: 'eu-central-1',
        },
      ],
    )
    // Rules that do not need GAAD still judge the account.
    assert.ok(result.findings.some((f) => f.ruleId === 'root.access-key-present'))
  })

  test('a rule that throws is unknown; the others still run', async () => {
    const state = demoState(ID.prod)
    // A state no normalizer would produce: the rule meets it and fails, alone.
    ;(state as { serverCertificates: unknown }).serverCertificates = null
    const result = evaluateAccount(state, await demoContext(ID.prod))
    const failed = result.unknown.find((u) => u.ruleId === 'account.expired-server-certificate')
    assert.match(failed?.reason ?? '', /^rule failed: /)
    assert.ok(result.findings.some((f) => f.ruleId === 'user.multiple-active-keys'))
  })

  test('invalid settings are refused with every problem named', async () => {
    const settings = {
      parameters: {
        'role.unused': { days: 0, color: 'red' },
        'root.recently-used': { days: '90' },
        'no.such-rule': { days: 1 },
      },
      disabledRules: ['guardrail.deny-leave-organization', 'typo.rule'],
    }
    assert.deepEqual(validateRuleSettings(settings), [
      { path: 'parameters.role.unused.days', message: 'must be at least 1' },
      { path: 'parameters.role.unused.color', message: 'is not a parameter of role.unused' },
      { path: 'parameters.root.recently-used.days', message: 'must be a number' },
      { path: 'parameters.no.such-rule', message: 'is not a rule with parameters' },
      { path: 'disabledRules[1]', message: '"typo.rule" is not a rule id' },
    ])
    await assert.rejects(
      async () => evaluateAccount(demoState(ID.prod), await demoContext(ID.prod), settings),
      (err: unknown) => err instanceof RuleSettingsError && err.problems.length === 5,
    )
  })

  test('resolveParameters overlays overrides on defaults', () => {
    const rule = ruleById('password-policy.weak')!
    const params = resolveParameters(rule, { minimumLength: 16 })
    assert.equal(params.minimumLength, 16)
    assert.equal(params.reusePrevention, 24)
  })
})

describe('fingerprint', () => {
  test('is a stable sha256 of rule, account and resource', () => {
    const a = fingerprint('role.unused', ID.prod, `arn:aws:iam::${ID.prod}:role/acme-support`)
    assert.match(a, /^[0-9a-f]{64}$/)
    assert.equal(a, fingerprint('role.unused', ID.prod, `arn:aws:iam::${ID.prod}:role/acme-support`))
    // Pinned: stored findings are matched by this value across releases, so it must never drift.
    assert.equal(a, '546add9910f7b6f04584316968c8e70537b0e49a75b1bf308e870cbe429c268b')
  })

  test('changes with each part, and parts cannot be shifted into each other', () => {
    const base = fingerprint('role.unused', ID.prod, 'arn:aws:iam::1:role/x')
    assert.notEqual(base, fingerprint('role.unused', ID.dev, 'arn:aws:iam::1:role/x'))
    assert.notEqual(base, fingerprint('role.trusts-any-principal', ID.prod, 'arn:aws:iam::1:role/x'))
    assert.notEqual(fingerprint('a', 'bc', 'd'), fingerprint('ab', 'c', 'd'))
  })

  test('findings of a demo sweep have distinct fingerprints', async () => {
    const result = evaluateAccount(demoState(ID.dev), await demoContext(ID.dev))
    const prints = result.findings.map((f) => fingerprint(f.ruleId, ID.dev, f.resourceArn))
    assert.equal(new Set(prints).size, prints.length)
  })
})
