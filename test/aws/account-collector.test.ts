import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer'
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail'
import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service'
import {
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
} from '@aws-sdk/client-iam'
import { AwsCallError } from '../../src/aws/errors.js'
import { gapFor } from '../../src/org/gaps.js'
import { awsError, SWEEP, testSource } from './helpers.js'
import {
  ALLOW_ALL,
  createMocks,
  installHappyAccounts,
  ORG_TRAIL_ARN,
  POWER_USER,
  READ_ONLY,
  regionOf,
  resetMocks,
} from './world.js'

const mocks = createMocks()
const ACCOUNT = '200000000002'

beforeEach(() => {
  resetMocks(mocks)
  installHappyAccounts(mocks)
})

describe('collectAccount', () => {
  test('a typical account: every page of every IAM listing, AWS-managed policies filled in once', async () => {
    const source = testSource()
    const state = await source.collectAccount(ACCOUNT, { sweepId: SWEEP })

    assert.deepEqual(state.gaps, [])
    assert.deepEqual(
      state.users.map((u) => u.name),
      ['alice'],
    )
    assert.deepEqual(
      state.roles.map((r) => r.name),
      ['app'],
    )
    assert.equal(state.virtualMfaDevices.length, 2, 'both pages of ListVirtualMFADevices')
    assert.deepEqual(
      state.serverCertificates.map((c) => c.name),
      ['old', 'new'],
    )
    assert.equal(state.rootMfa, 'virtual')
    assert.equal(state.passwordPolicy?.minimumPasswordLength, 14)
    assert.equal(state.credentialReport[0].passwordLastUsedStatus, 'no_information')
    assert.equal(state.root?.passwordEnabled, null)

    const byArn = new Map(state.managedPolicies.map((p) => [p.arn, p]))
    assert.deepEqual(byArn.get(`arn:aws:iam::${ACCOUNT}:policy/custom`)?.document, ALLOW_ALL)
    const admin = byArn.get('arn:aws:iam::aws:policy/AdministratorAccess')
    assert.deepEqual(admin?.document, ALLOW_ALL)
    assert.equal(admin?.awsManaged, true)
    assert.equal(admin?.attachmentCount, 1)
    assert.deepEqual(byArn.get('arn:aws:iam::aws:policy/ReadOnlyAccess')?.document, READ_ONLY)
    const boundary = byArn.get('arn:aws:iam::aws:policy/PowerUserAccess')
    assert.deepEqual(boundary?.document, POWER_USER)
    assert.equal(boundary?.permissionsBoundaryUsageCount, 1)
    assert.equal(boundary?.attachmentCount, 0)

    // AWS-managed policies are never asked of GAAD.
    const gaadCalls = mocks.iam.commandCalls(GetAccountAuthorizationDetailsCommand)
    assert.equal(gaadCalls.length, 2)
    assert.deepEqual(gaadCalls[0].args[0].input.Filter, ['User', 'Role', 'Group', 'LocalManagedPolicy'])

    const region = state.regions['us-east-1']
    assert.equal(region.trails[0].isLogging, true)
    assert.equal(region.configRecorders[0].recording, true)
    assert.deepEqual(
      region.accessAnalyzers.map((a) => a.name),
      ['org', 'unused'],
    )
  })

  test('stats count every request by operation, and are handed over once', async () => {
    const source = testSource()
    await source.collectAccount(ACCOUNT, { sweepId: SWEEP })
    const report = source.takeAccountReport(SWEEP, ACCOUNT)
    assert.equal(report?.outcome, 'collected')
    assert.deepEqual(report?.stats.calls, {
      'access-analyzer:ListAnalyzers': 2,
      'cloudtrail:DescribeTrails': 1,
      'cloudtrail:GetTrailStatus': 1,
      'config:DescribeConfigurationRecorderStatus': 1,
      'config:DescribeConfigurationRecorders': 1,
      'iam:GenerateCredentialReport': 1,
      'iam:GetAccountAuthorizationDetails': 2,
      'iam:GetAccountPasswordPolicy': 1,
      'iam:GetAccountSummary': 1,
      'iam:GetCredentialReport': 1,
      'iam:GetPolicyVersion': 3,
      'iam:ListPolicies': 2,
      'iam:ListServerCertificates': 2,
      'iam:ListVirtualMFADevices': 2,
      'sts:AssumeRole': 1,
    })
    assert.equal(report?.stats.totalCalls, 22)
    assert.ok((report?.stats.durationMs ?? -1) >= 0)
    assert.equal(source.takeAccountReport(SWEEP, ACCOUNT), undefined, 'a report is handed over once')
  })

  test('every configured region is read; a multi-region trail is asked for its status once', async () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
    const asked: string[] = []
    mocks.cloudtrail.on(GetTrailStatusCommand).callsFake(async (_input, getClient) => {
      asked.push(await regionOf(getClient))
      return { IsLogging: false }
    })
    const state = await testSource({ regions }).collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.deepEqual(Object.keys(state.regions).sort(), [...regions].sort())
    assert.equal(mocks.cloudtrail.commandCalls(DescribeTrailsCommand).length, 3)
    assert.deepEqual(asked, ['us-east-1'], 'asked once, in the home region of the trail')
    for (const region of regions) {
      assert.equal(state.regions[region].trails[0].arn, ORG_TRAIL_ARN)
      assert.equal(state.regions[region].trails[0].isLogging, false)
    }
    assert.deepEqual(state.gaps, [])
  })

  test('NoSuchEntity on the password policy is "no policy", not a gap', async () => {
    mocks.iam
      .on(GetAccountPasswordPolicyCommand)
      .rejects(
        awsError('NoSuchEntity', 'The Password Policy with domain name x cannot be found.', { status: 404 }),
      )
    const state = await testSource().collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.equal(state.passwordPolicy, null)
    assert.equal(gapFor(state, 'iam:GetAccountPasswordPolicy'), undefined)
  })

  test('Access Analyzer denied in one region is a gap for that region only', async () => {
    mocks.analyzer.on(ListAnalyzersCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') {
        throw awsError(
          'AccessDeniedException',
          'User is not authorized to perform: access-analyzer:ListAnalyzers',
          { status: 403 },
        )
      }
      return { analyzers: [{ name: 'a', arn: 'arn:a', type: 'ACCOUNT', status: 'ACTIVE' }] }
    })
    const state = await testSource({ regions: ['us-east-1', 'eu-west-1'] }).collectAccount(ACCOUNT, {
      sweepId: SWEEP,
    })
    const gap = gapFor(state, 'access-analyzer:ListAnalyzers', 'eu-west-1')
    assert.match(gap?.reason ?? '', /^AccessDeniedException: /)
    assert.equal(gapFor(state, 'access-analyzer:ListAnalyzers', 'us-east-1'), undefined)
    assert.equal(state.regions['us-east-1'].accessAnalyzers.length, 1)
    assert.equal(state.gaps.length, 1)
  })

  test('an account without a Config recorder is not asked for recorder status', async () => {
    mocks.config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] })
    const state = await testSource().collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.equal(mocks.config.commandCalls(DescribeConfigurationRecorderStatusCommand).length, 0)
    assert.deepEqual(state.regions['us-east-1'].configRecorders, [])
    assert.deepEqual(state.gaps, [])
  })

  test('throttling that outlived the SDK retries fails the account as transient, not as a gap', async () => {
    mocks.iam.on(GetAccountSummaryCommand).rejects(awsError('Throttling', 'Rate exceeded'))
    const source = testSource()
    await assert.rejects(source.collectAccount(ACCOUNT, { sweepId: SWEEP }), (err: unknown) => {
      assert.ok(err instanceof AwsCallError)
      assert.equal(err.transient, true)
      assert.equal(err.api, 'iam:GetAccountSummary')
      return true
    })
    const report = source.takeAccountReport(SWEEP, ACCOUNT)
    assert.equal(report?.outcome, 'failed')
    assert.deepEqual(report?.stats.errors, { 'iam:GetAccountSummary Throttling': 1 })
  })

  test('a 5xx is transient as well', async () => {
    mocks.cloudtrail.on(DescribeTrailsCommand).rejects(awsError('InternalFailure', 'oops', { status: 500 }))
    await assert.rejects(testSource().collectAccount(ACCOUNT, { sweepId: SWEEP }), (err: unknown) => {
      assert.ok(err instanceof AwsCallError && err.transient)
      return true
    })
  })

  test('AWS Config aggregator compliance of the IAM managed rules is kept beside the state', async () => {
    mocks.config.on(DescribeConfigurationAggregatorsCommand).resolves({
      ConfigurationAggregators: [
        { ConfigurationAggregatorName: 'account-only' },
        {
          ConfigurationAggregatorName: 'org',
          OrganizationAggregationSource: { RoleArn: 'arn:aws:iam::1:role/c', AllAwsRegions: true },
        },
      ],
    })
    mocks.config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .resolvesOnce({
        AggregateComplianceByConfigRules: [
          {
            ConfigRuleName: 'securityhub-iam-password-policy-a1b2c3',
            AccountId: ACCOUNT,
            AwsRegion: 'us-east-1',
            Compliance: { ComplianceType: 'NON_COMPLIANT' },
          },
          {
            ConfigRuleName: 's3-bucket-versioning-enabled',
            AccountId: ACCOUNT,
            AwsRegion: 'us-east-1',
            Compliance: { ComplianceType: 'COMPLIANT' },
          },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        AggregateComplianceByConfigRules: [
          {
            ConfigRuleName: 'root-account-hardware-mfa-enabled-conformance-pack-x',
            AccountId: ACCOUNT,
            AwsRegion: 'us-east-1',
            Compliance: { ComplianceType: 'COMPLIANT' },
          },
        ],
      })
    const source = testSource({ configAggregator: { accountId: '100000000001', region: 'us-east-1' } })
    await source.collectAccount(ACCOUNT, { sweepId: SWEEP })
    const report = source.takeAccountReport(SWEEP, ACCOUNT)
    assert.deepEqual(report?.configCompliance, {
      status: 'read',
      aggregator: 'org',
      rules: [
        {
          configRuleName: 'securityhub-iam-password-policy-a1b2c3',
          managedRule: 'iam-password-policy',
          region: 'us-east-1',
          compliance: 'NON_COMPLIANT',
        },
        {
          configRuleName: 'root-account-hardware-mfa-enabled-conformance-pack-x',
          managedRule: 'root-account-hardware-mfa-enabled',
          region: 'us-east-1',
          compliance: 'COMPLIANT',
        },
      ],
    })
    const calls = mocks.config.commandCalls(DescribeAggregateComplianceByConfigRulesCommand)
    assert.equal(calls.length, 2)
    assert.deepEqual(calls[0].args[0].input.Filters, { AccountId: ACCOUNT })
    assert.equal(calls[0].args[0].input.ConfigurationAggregatorName, 'org')
  })

  test('an aggregator that refuses is reported as unavailable; the account is still collected', async () => {
    mocks.config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .rejects(awsError('AccessDeniedException', 'no', { status: 403 }))
    const source = testSource({
      configAggregator: { accountId: '100000000001', region: 'us-east-1', name: 'org' },
    })
    const state = await source.collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.deepEqual(state.gaps, [])
    assert.deepEqual(source.takeAccountReport(SWEEP, ACCOUNT)?.configCompliance, {
      status: 'unavailable',
      error: { Code: 'AccessDeniedException', Message: 'no' },
    })
    assert.equal(
      mocks.config.commandCalls(DescribeConfigurationAggregatorsCommand).length,
      0,
      'a configured name is not looked up',
    )
  })

  test('an id that is not an account id is refused before any call', async () => {
    await assert.rejects(testSource().collectAccount('12345', { sweepId: SWEEP }), /not an AWS account id/)
    assert.equal(mocks.sts.calls().length, 0)
  })
})
