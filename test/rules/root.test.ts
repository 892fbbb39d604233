import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  rootAccessKeyPresent,
  rootHardwareMfaMissing,
  rootMfaDisabled,
  rootRecentlyUsed,
} from '../../src/rules/families/root.js'
import {
  assertUnknown,
  daysBefore,
  demoContext,
  demoRaw,
  demoState,
  findingsOf,
  ID,
  normalize,
} from './helpers.js'

const denied = { Error: { Code: 'AccessDenied', Message: 'not authorized' } }

describe('root.access-key-present', () => {
  test('fires on network, whose root user has an active, recently used key', async () => {
    const [finding] = findingsOf(
      rootAccessKeyPresent.evaluate(demoState(ID.network), await demoContext(ID.network), {}),
    )
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.network}:root`)
    assert.deepEqual(finding.evidence.keys, [
      { key: 1, lastRotated: '2025-10-21T09:12:00.000Z', lastUsedDate: '2026-11-02T07:45:00.000Z' },
    ])
  })

  test('near miss: the same key deactivated (still listed, last used date kept) is no finding', async () => {
    const state = demoState(ID.network)
    state.root!.accessKeys[0].active = false
    assert.deepEqual(findingsOf(rootAccessKeyPresent.evaluate(state, await demoContext(ID.network), {})), [])
  })

  test('falls back to the account summary when the credential report was denied', async () => {
    const raw = demoRaw(ID.network)
    raw.iam!.GetCredentialReport = denied
    const state = normalize(ID.network, raw)
    const [finding] = findingsOf(rootAccessKeyPresent.evaluate(state, await demoContext(ID.network), {}))
    assert.equal(finding.evidence.source, 'account summary')
    raw.iam!.GetAccountSummary = denied
    assertUnknown(
      rootAccessKeyPresent.evaluate(normalize(ID.network, raw), await demoContext(ID.network), {}),
      /neither/,
    )
  })
})

describe('root.mfa-disabled', () => {
  test('fires on payments-dev, whose root user has no MFA', async () => {
    const findings = findingsOf(rootMfaDisabled.evaluate(demoState(ID.dev), await demoContext(ID.dev), {}))
    assert.deepEqual(
      findings.map((f) => f.resourceArn),
      [`arn:aws:iam::${ID.dev}:root`],
    )
    assert.equal(findings[0].evidence.AccountMFAEnabled, 0)
  })

  test('near miss: a virtual MFA device (management account) counts as MFA', async () => {
    const state = demoState(ID.management)
    assert.equal(state.rootMfa, 'virtual')
    assert.deepEqual(findingsOf(rootMfaDisabled.evaluate(state, await demoContext(ID.management), {})), [])
  })
})

describe('root.hardware-mfa-missing', () => {
  test('fires on the management account, whose root user has a virtual device', async () => {
    const [finding] = findingsOf(
      rootHardwareMfaMissing.evaluate(demoState(ID.management), await demoContext(ID.management), {}),
    )
    assert.equal(finding.evidence.rootMfa, 'virtual')
    assert.equal(finding.evidence.virtualDevice, `arn:aws:iam::${ID.management}:mfa/root-account-mfa-device`)
  })

  test('near miss: payments-prod has MFA and no virtual device assigned to root (hardware)', async () => {
    assert.deepEqual(
      findingsOf(rootHardwareMfaMissing.evaluate(demoState(ID.prod), await demoContext(ID.prod), {})),
      [],
    )
  })

  test('unknown when the virtual-device list could not be read', async () => {
    const raw = demoRaw(ID.prod)
    raw.iam!.ListVirtualMFADevices = denied
    assertUnknown(
      rootHardwareMfaMissing.evaluate(normalize(ID.prod, raw), await demoContext(ID.prod), {}),
      /kind/,
    )
  })
})

describe('root.recently-used', () => {
  test('fires on network, whose root key was used 22 days before capture', async () => {
    const ctx = await demoContext(ID.network)
    const [finding] = findingsOf(rootRecentlyUsed.evaluate(demoState(ID.network), ctx, { days: 90 }))
    assert.deepEqual(finding.evidence.uses, [
      { credential: 'access key 1', lastUsed: '2026-11-02T07:45:00.000Z', daysAgo: 22 },
    ])
    assert.match(finding.title, /used 22 days ago/)
  })

  test('near miss: the management root signed in 175 days ago, outside 90 days but inside 200', async () => {
    const state = demoState(ID.management)
    const ctx = await demoContext(ID.management)
    assert.deepEqual(findingsOf(rootRecentlyUsed.evaluate(state, ctx, { days: 90 })), [])
    const [finding] = findingsOf(rootRecentlyUsed.evaluate(state, ctx, { days: 200 }))
    assert.equal((finding.evidence.uses as Array<{ credential: string }>)[0].credential, 'password')
  })

  test('a password sign-in 10 days ago fires; "no_information" (never signed in) does not', async () => {
    const state = demoState(ID.logArchive)
    const ctx = await demoContext(ID.logArchive)
    assert.equal(state.root!.passwordLastUsedStatus, 'no_information')
    assert.deepEqual(findingsOf(rootRecentlyUsed.evaluate(state, ctx, { days: 90 })), [])
    state.root!.passwordLastUsed = daysBefore(10)
    state.root!.passwordLastUsedStatus = 'used'
    assert.equal(findingsOf(rootRecentlyUsed.evaluate(state, ctx, { days: 90 })).length, 1)
  })

  test('unknown without the credential report', async () => {
    const raw = demoRaw(ID.network)
    raw.iam!.GetCredentialReport = denied
    assertUnknown(
      rootRecentlyUsed.evaluate(normalize(ID.network, raw), await demoContext(ID.network), { days: 90 }),
      /credential report/,
    )
  })
})
