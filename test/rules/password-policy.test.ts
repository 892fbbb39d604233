import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { passwordPolicyMissing, passwordPolicyWeak } from '../../src/rules/families/password-policy.js'
import { assertUnknown, demoContext, demoRaw, demoState, findingsOf, ID, normalize, run } from './helpers.js'

describe('password-policy.missing', () => {
  test('fires on payments-dev, where GetAccountPasswordPolicy returned NoSuchEntity', async () => {
    const [finding] = findingsOf(run(passwordPolicyMissing, demoState(ID.dev), await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.dev}:account-password-policy`)
  })

  test('near miss: audit has a policy (a weak one) — that is password-policy.weak’s finding', async () => {
    assert.deepEqual(
      findingsOf(run(passwordPolicyMissing, demoState(ID.audit), await demoContext(ID.audit))),
      [],
    )
  })

  test('unknown when the policy could not be read (AccessDenied is not "no policy")', async () => {
    const raw = demoRaw(ID.dev)
    raw.iam!.GetAccountPasswordPolicy = { Error: { Code: 'AccessDenied', Message: 'denied' } }
    assertUnknown(
      run(passwordPolicyMissing, normalize(ID.dev, raw), await demoContext(ID.dev)),
      /GetAccountPasswordPolicy/,
    )
    assertUnknown(
      run(passwordPolicyWeak, normalize(ID.dev, raw), await demoContext(ID.dev)),
      /GetAccountPasswordPolicy/,
    )
  })
})

describe('password-policy.weak', () => {
  test('fires on audit and names each failing parameter', async () => {
    const [finding] = findingsOf(run(passwordPolicyWeak, demoState(ID.audit), await demoContext(ID.audit)))
    assert.deepEqual(finding.evidence.failures, [
      { parameter: 'MinimumPasswordLength', actual: 8, required: '>= 14' },
      { parameter: 'PasswordReusePrevention', actual: null, required: '>= 24' },
      { parameter: 'MaxPasswordAge', actual: null, required: 'passwords expire within 90 days' },
      { parameter: 'RequireSymbols', actual: false, required: 'true' },
      { parameter: 'RequireUppercaseCharacters', actual: false, required: 'true' },
    ])
  })

  test('near miss: payments-prod’s policy meets every default', async () => {
    assert.deepEqual(findingsOf(run(passwordPolicyWeak, demoState(ID.prod), await demoContext(ID.prod))), [])
  })

  test('one parameter short is enough, and parameters move the bar', async () => {
    const raw = demoRaw(ID.prod)
    const policy = (raw.iam!.GetAccountPasswordPolicy as { PasswordPolicy: Record<string, unknown> })
      .PasswordPolicy
    policy.PasswordReusePrevention = 12
    policy.MaxPasswordAge = 180
    const state = normalize(ID.prod, raw)
    const ctx = await demoContext(ID.prod)
    const [finding] = findingsOf(run(passwordPolicyWeak, state, ctx))
    assert.deepEqual(finding.evidence.failures, [
      { parameter: 'PasswordReusePrevention', actual: 12, required: '>= 24' },
      { parameter: 'MaxPasswordAge', actual: 180, required: '<= 90' },
    ])
    assert.deepEqual(
      findingsOf(run(passwordPolicyWeak, state, ctx, { reusePrevention: 12, maxAgeDays: 180 })),
      [],
    )
  })

  test('near miss: a missing policy is not also reported as weak', async () => {
    assert.deepEqual(findingsOf(run(passwordPolicyWeak, demoState(ID.dev), await demoContext(ID.dev))), [])
  })
})
