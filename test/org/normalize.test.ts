import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { gapFor } from '../../src/org/gaps.js'
import { normalizeAccount } from '../../src/org/normalize.js'
import { credentialReport } from './fixtures.js'
import { ALLOW_ALL, EC2_TRUST, ID, OPTIONS, ROOT_ROW, rawAccount } from './raw-account-fixture.js'

describe('normalizeAccount', () => {
  test('users carry decoded inline policies, attachments, boundary, tags and password use from the report', () => {
    const state = normalizeAccount(ID, rawAccount(), OPTIONS)
    assert.deepEqual(state.gaps, [])
    const [alice] = state.users
    assert.deepEqual(alice.inlinePolicies, [{ name: 'everything', document: ALLOW_ALL }])
    assert.deepEqual(alice.groups, ['admins'])
    assert.deepEqual(alice.attachedPolicyArns, ['arn:aws:iam::aws:policy/ReadOnlyAccess'])
    assert.equal(alice.permissionsBoundaryArn, `arn:aws:iam::${ID}:policy/boundary`)
    assert.deepEqual(alice.tags, { team: 'platform' })
    assert.equal(alice.createDate, '2025-01-01T00:00:00.000Z')
    assert.equal(alice.passwordLastUsed, '2026-11-24T16:00:00.000Z')
    assert.equal(state.groups[0].attachedPolicyArns[0], 'arn:aws:iam::aws:policy/AdministratorAccess')
  })

  test('roles: parsed trust policy, last use (empty RoleLastUsed → null), service-linked flag', () => {
    const state = normalizeAccount(ID, rawAccount(), OPTIONS)
    const [app, slr] = state.roles
    assert.deepEqual(app.trustPolicy, EC2_TRUST)
    assert.equal(app.lastUsed, null)
    assert.equal(app.isServiceLinked, false)
    assert.deepEqual(app.instanceProfileArns, [`arn:aws:iam::${ID}:instance-profile/app`])
    assert.deepEqual(slr.trustPolicy, EC2_TRUST)
    assert.deepEqual(slr.lastUsed, { date: '2026-11-01T00:00:00.000Z', region: 'eu-west-1' })
    assert.equal(slr.isServiceLinked, true)
  })

  test('managed policies: default version document; a customer policy without one is a gap', () => {
    const state = normalizeAccount(ID, rawAccount(), OPTIONS)
    const [custom, admin] = state.managedPolicies
    assert.equal(custom.awsManaged, false)
    assert.equal(custom.defaultVersionId, 'v2')
    assert.deepEqual(custom.document, ALLOW_ALL)
    // AWS-managed documents may be left out by collectors: null, and not a gap.
    assert.equal(admin.awsManaged, true)
    assert.equal(admin.document, null)
    assert.deepEqual(state.gaps, [])

    const withoutVersions = rawAccount()
    const details = withoutVersions.iam!.GetAccountAuthorizationDetails as {
      Policies: Array<Record<string, unknown>>
    }
    delete details.Policies[0].PolicyVersionList
    const gaps = normalizeAccount(ID, withoutVersions, OPTIONS).gaps
    assert.deepEqual(gaps, [
      {
        api: 'iam:GetAccountAuthorizationDetails',
        reason: `default version of policy arn:aws:iam::${ID}:policy/custom: not returned`,
      },
    ])
  })

  test('an unreadable document becomes null plus a gap naming its owner', () => {
    const raw = rawAccount()
    const details = raw.iam!.GetAccountAuthorizationDetails as {
      RoleDetailList: Array<Record<string, unknown>>
    }
    details.RoleDetailList[0].AssumeRolePolicyDocument = '%7Bbroken'
    const state = normalizeAccount(ID, raw, OPTIONS)
    assert.equal(state.roles[0].trustPolicy, null)
    assert.deepEqual(state.gaps, [
      {
        api: 'iam:GetAccountAuthorizationDetails',
        reason: 'trust policy of role app: document is not valid JSON',
      },
    ])
  })

  test('root MFA kind: hardware, virtual, none, unknown', () => {
    const hardware = normalizeAccount(ID, rawAccount(), OPTIONS)
    assert.equal(hardware.rootMfa, 'hardware')

    const virtual = rawAccount()
    virtual.iam!.ListVirtualMFADevices = {
      VirtualMFADevices: [
        { SerialNumber: `arn:aws:iam::${ID}:mfa/alice`, User: { Arn: `arn:aws:iam::${ID}:user/alice` } },
        {
          SerialNumber: `arn:aws:iam::${ID}:mfa/root-account-mfa-device`,
          User: { Arn: `arn:aws:iam::${ID}:root` },
        },
      ],
    }
    assert.equal(normalizeAccount(ID, virtual, OPTIONS).rootMfa, 'virtual')

    // A virtual device of another account's root (a copied snapshot) does not count.
    const foreign = rawAccount()
    foreign.iam!.ListVirtualMFADevices = {
      VirtualMFADevices: [{ User: { Arn: 'arn:aws:iam::999999999999:root' } }],
    }
    assert.equal(normalizeAccount(ID, foreign, OPTIONS).rootMfa, 'hardware')

    const none = rawAccount()
    none.iam!.GetAccountSummary = { SummaryMap: { AccountMFAEnabled: 0 } }
    assert.equal(normalizeAccount(ID, none, OPTIONS).rootMfa, 'none')

    const unknown = rawAccount()
    unknown.iam!.ListVirtualMFADevices = { Error: { Code: 'AccessDenied', Message: 'not allowed' } }
    const state = normalizeAccount(ID, unknown, OPTIONS)
    assert.equal(state.rootMfa, 'unknown')
    assert.deepEqual(gapFor(state, 'iam:ListVirtualMFADevices'), {
      api: 'iam:ListVirtualMFADevices',
      reason: 'AccessDenied: not allowed',
    })
  })

  test('without the summary, root MFA falls back to the credential report row', () => {
    const raw = rawAccount()
    delete raw.iam!.GetAccountSummary
    raw.iam!.GetCredentialReport = { Content: credentialReport(ROOT_ROW(false)) }
    const state = normalizeAccount(ID, raw, OPTIONS)
    assert.equal(state.rootMfa, 'none')
    assert.equal(state.accountSummary, null)
    assert.ok(gapFor(state, 'iam:GetAccountSummary'))
  })

  test('password policy: NoSuchEntity means none (no gap); AccessDenied and absence are gaps', () => {
    const policy = normalizeAccount(ID, rawAccount(), OPTIONS).passwordPolicy
    assert.equal(policy?.minimumPasswordLength, 14)
    assert.equal(policy?.maxPasswordAge, null, 'MaxPasswordAge without ExpirePasswords does not count')

    const none = rawAccount()
    none.iam!.GetAccountPasswordPolicy = { Error: { Code: 'NoSuchEntity', Message: 'cannot be found' } }
    const noneState = normalizeAccount(ID, none, OPTIONS)
    assert.equal(noneState.passwordPolicy, null)
    assert.deepEqual(noneState.gaps, [])

    const denied = rawAccount()
    denied.iam!.GetAccountPasswordPolicy = { Error: { Code: 'AccessDenied' } }
    const deniedState = normalizeAccount(ID, denied, OPTIONS)
    assert.equal(deniedState.passwordPolicy, null)
    assert.equal(gapFor(deniedState, 'iam:GetAccountPasswordPolicy')?.reason, 'AccessDenied')

    const missing = rawAccount()
    delete missing.iam!.GetAccountPasswordPolicy
    assert.equal(
      gapFor(normalizeAccount(ID, missing, OPTIONS), 'iam:GetAccountPasswordPolicy')?.reason,
      'iam:GetAccountPasswordPolicy was not collected',
    )
  })

  test('an unreadable credential report leaves root null and records a gap', () => {
    const raw = rawAccount()
    raw.iam!.GetCredentialReport = {
      Error: { Code: 'ReportNotPresent', Message: 'Credential report not present' },
    }
    const state = normalizeAccount(ID, raw, OPTIONS)
    assert.equal(state.root, null)
    assert.deepEqual(state.credentialReport, [])
    assert.equal(state.users[0].passwordLastUsed, null)
    assert.equal(state.rootMfa, 'hardware', 'the summary still says MFA is on')
    assert.equal(
      gapFor(state, 'iam:GetCredentialReport')?.reason,
      'ReportNotPresent: Credential report not present',
    )
  })

  test('regional services: trails with status, recorders with status, analyzers', () => {
    const state = normalizeAccount(ID, rawAccount(), OPTIONS)
    const region = state.regions['eu-west-1']
    assert.equal(region.trails[0].isMultiRegion, true)
    assert.equal(region.trails[0].isLogging, true)
    assert.deepEqual(region.configRecorders[0], {
      name: 'default',
      recording: true,
      allSupported: true,
      includeGlobalResourceTypes: false,
      lastStatus: null,
    })
    assert.deepEqual(region.accessAnalyzers, [{ name: 'a', arn: 'arn:a', type: 'ACCOUNT', status: 'ACTIVE' }])
    assert.equal(state.serverCertificates[0].expiration, '2026-08-31T23:59:59.000Z')
  })

  test('regional gaps carry the region; a trail without status is unknown, not "not logging"', () => {
    const raw = rawAccount()
    const region = raw.regions!['eu-west-1']
    region.cloudtrail!.GetTrailStatus = {}
    region.accessanalyzer = { ListAnalyzers: { Error: { Code: 'AccessDeniedException', Message: 'no' } } }
    const state = normalizeAccount(ID, raw, OPTIONS)
    assert.equal(state.regions['eu-west-1'].trails[0].isLogging, null)
    assert.deepEqual(state.regions['eu-west-1'].accessAnalyzers, [])
    assert.deepEqual(gapFor(state, 'access-analyzer:ListAnalyzers', 'eu-west-1'), {
      api: 'access-analyzer:ListAnalyzers',
      reason: 'AccessDeniedException: no',
      region: 'eu-west-1',
    })
    assert.equal(gapFor(state, 'cloudtrail:GetTrailStatus', 'eu-west-1')?.region, 'eu-west-1')
  })

  test('with no region collected, every regional API is a gap (no vacuous "all regions pass")', () => {
    const raw = rawAccount()
    delete raw.regions
    const apis = normalizeAccount(ID, raw, OPTIONS).gaps.map((gap) => gap.api)
    assert.deepEqual(apis, [
      'cloudtrail:DescribeTrails',
      'config:DescribeConfigurationRecorders',
      'access-analyzer:ListAnalyzers',
    ])
  })

  test('collectedAt comes from the bundle, else from the options', () => {
    assert.equal(normalizeAccount(ID, rawAccount(), OPTIONS).collectedAt, '2026-11-25T06:30:00.000Z')
    const raw = { ...rawAccount(), collectedAt: '2026-11-25T07:00:00Z' }
    assert.equal(normalizeAccount(ID, raw, OPTIONS).collectedAt, '2026-11-25T07:00:00.000Z')
  })

  test('an empty bundle normalizes to an empty state where everything is a gap', () => {
    const state = normalizeAccount(ID, {}, OPTIONS)
    assert.equal(state.accountId, ID)
    assert.equal(state.rootMfa, 'unknown')
    assert.deepEqual(state.users, [])
    assert.ok(gapFor(state, 'iam:GetAccountAuthorizationDetails'))
    assert.ok(gapFor(state, 'iam:GetCredentialReport'))
  })
})
