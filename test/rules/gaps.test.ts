/**
 * Collection gaps: a rule whose data is missing answers unknown (or marks the missing part
 * incomplete), never "pass". Gaps are made the way they happen: an AWS error in the raw bundle,
 * normalized like any collection.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { RawAccountData } from '../../src/org/normalize.js'
import { evaluateAccount, RULES } from '../../src/rules/index.js'
import { demoContext, demoRaw, ID, normalize, run } from './helpers.js'

const denied = { Error: { Code: 'AccessDenied', Message: 'User is not authorized' } }

const ENTITY_RULES = [
  'user.direct-policy',
  'policy.full-admin',
  'policy.service-wildcard',
  'principal.administrator-access',
  'policy.cloudshell-full-access',
  'policy.unattached',
  'group.no-users',
  'principal.privilege-escalation',
  'role.trusts-any-principal',
  'role.external-trust-without-external-id',
  'role.trusts-account-outside-org',
  'role.service-trust-without-source-condition',
  'role.unused',
  'account.support-role-missing',
]
const REPORT_RULES = [
  'user.console-without-mfa',
  'user.mfa-missing',
  'user.unused-credentials',
  'user.access-key-not-rotated',
  'user.multiple-active-keys',
  'user.key-unused-since-setup',
  'user.console-and-access-key',
  'root.recently-used',
]

async function unknownRules(accountId: string, change: (raw: RawAccountData) => void): Promise<string[]> {
  const raw = demoRaw(accountId)
  change(raw)
  const result = evaluateAccount(normalize(accountId, raw), await demoContext(accountId))
  return result.unknown
    .filter((u) => !u.partial)
    .map((u) => u.ruleId)
    .sort()
}

describe('collection gaps make rules unknown', () => {
  test('nothing collected at all: no rule passes', async () => {
    const state = normalize(ID.logArchive, {})
    const ctx = await demoContext(ID.logArchive)
    for (const rule of RULES) {
      const outcome = run(rule, state, ctx)
      const silent = !('unknown' in outcome) && outcome.findings.length === 0 && !outcome.incomplete?.length
      assert.ok(!silent, `${rule.id} passed an account nothing was collected from`)
    }
  })

  test('GetAccountAuthorizationDetails denied: every rule over users, groups, roles and policies', async () => {
    const unknown = await unknownRules(ID.management, (raw) => {
      raw.iam!.GetAccountAuthorizationDetails = denied
    })
    assert.deepEqual(unknown, [...ENTITY_RULES].sort())
  })

  test('GetAccountAuthorizationDetails truncated: the same rules', async () => {
    const unknown = await unknownRules(ID.management, (raw) => {
      ;(raw.iam!.GetAccountAuthorizationDetails as { IsTruncated?: boolean }).IsTruncated = true
    })
    assert.deepEqual(unknown, [...ENTITY_RULES].sort())
  })

  test('credential report denied: user credential rules and root use; keys and MFA fall back on the summary', async () => {
    const unknown = await unknownRules(ID.management, (raw) => {
      raw.iam!.GetCredentialReport = denied
    })
    assert.deepEqual(unknown, [...REPORT_RULES].sort())
  })

  test('password policy, account summary with report, MFA devices, certificates', async () => {
    assert.deepEqual(
      await unknownRules(ID.prod, (raw) => {
        raw.iam!.GetAccountPasswordPolicy = denied
      }),
      ['password-policy.missing', 'password-policy.weak'],
    )
    assert.deepEqual(
      await unknownRules(ID.prod, (raw) => {
        raw.iam!.GetAccountSummary = denied
        raw.iam!.GetCredentialReport = denied
      }),
      [...REPORT_RULES, 'root.access-key-present', 'root.mfa-disabled', 'root.hardware-mfa-missing'].sort(),
    )
    assert.deepEqual(
      await unknownRules(ID.prod, (raw) => {
        raw.iam!.ListVirtualMFADevices = denied
      }),
      ['root.hardware-mfa-missing'],
    )
    assert.deepEqual(
      await unknownRules(ID.prod, (raw) => {
        raw.iam!.ListServerCertificates = denied
      }),
      ['account.expired-server-certificate'],
    )
  })

  test('no region collected: the regional rules', async () => {
    assert.deepEqual(
      await unknownRules(ID.prod, (raw) => {
        raw.regions = {}
      }),
      [
        'account.access-analyzer-disabled',
        'account.cloudtrail-not-multiregion',
        'account.config-recorder-off',
      ],
    )
  })

  test('one region denied: only that region is unknown, the other is still judged', async () => {
    const raw = demoRaw(ID.prod)
    raw.regions!['eu-west-1'].accessanalyzer!.ListAnalyzers = denied
    const result = evaluateAccount(normalize(ID.prod, raw), await demoContext(ID.prod))
    const analyzer = result.unknown.filter((u) => u.ruleId === 'account.access-analyzer-disabled')
    assert.deepEqual(
      analyzer.map((u) => [u.region, u.partial]),
      [['eu-west-1', true]],
    )
    assert.ok(result.findings.some((f) => f.resourceArn.includes('access-analyzer:eu-central-1')))
  })
})
