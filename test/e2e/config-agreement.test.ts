/**
 * AWS Config beside Orgwarden in GET /v1/accounts/:id: a sweep with the AWS source reads the
 * organization's Config aggregator (in the management account) for every account, and the
 * account view sets each mapped Config rule's compliance against Orgwarden's findings of the
 * mapped rules. The fake accounts (test/aws/world.ts) have a root user with a *virtual* MFA
 * device, a console user (alice) without MFA, an expired server certificate and no root keys.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
} from '@aws-sdk/client-config-service'
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { accountOfRoleArn, awsError, baseCredentials, FAST_RATES, stsCredentials } from '../aws/helpers.js'
import { ACCOUNT, installOrganization, MGMT } from '../aws/org-world.js'
import { createMocks, installHappyAccounts, resetMocks } from '../aws/world.js'
import { createTestContext, runSweep, STORE_KINDS, type TestContext } from '../helpers/context.js'

const mocks = createMocks()
const REGION = 'us-east-1'
const TYPICAL = ACCOUNT.management
const NESTED = ACCOUNT.nested
const DENIED = ACCOUNT.member

type Compliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA'
/** What AWS Config says, per account: rule name → compliance. */
const CONFIG: Record<string, Record<string, Compliance>> = {
  [TYPICAL]: {
    // alice signs in without MFA: Orgwarden has a finding too → agree.
    'mfa-enabled-for-iam-console-access': 'NON_COMPLIANT',
    // No root access keys: no finding → agree.
    'securityhub-iam-root-access-key-check-a1b2c3': 'COMPLIANT',
    // The root MFA device is virtual: Orgwarden finds it, Config says compliant → disagree.
    'root-account-hardware-mfa-enabled': 'COMPLIANT',
    // Config has not evaluated yet → unknown.
    'iam-user-mfa-enabled-conformance-pack-x': 'INSUFFICIENT_DATA',
    // An IAM managed rule no Orgwarden rule maps to.
    'iam-user-group-membership-check': 'COMPLIANT',
    // Not an IAM managed rule: the reader drops it.
    's3-bucket-versioning-enabled': 'NON_COMPLIANT',
  },
  [NESTED]: {
    // Config sees root keys where Orgwarden (GetAccountSummary: none) does not → disagree.
    'iam-root-access-key-check': 'NON_COMPLIANT',
    // The expired certificate: both see it → agree.
    'iam-server-certificate-expiration-check': 'NON_COMPLIANT',
  },
}

function installAws() {
  resetMocks(mocks)
  installHappyAccounts(mocks)
  installOrganization(mocks.organizations)
  mocks.sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = accountOfRoleArn(input.RoleArn)
    if (account === DENIED) throw awsError('AccessDenied', 'not authorized to perform sts:AssumeRole')
    return { Credentials: stsCredentials(account) }
  })
  mocks.config.on(DescribeConfigurationAggregatorsCommand).resolves({
    ConfigurationAggregators: [
      {
        ConfigurationAggregatorName: 'org-aggregator',
        OrganizationAggregationSource: { RoleArn: `arn:aws:iam::${MGMT}:role/config`, AllAwsRegions: true },
      },
    ],
  })
  mocks.config
    .on(DescribeAggregateComplianceByConfigRulesCommand)
    .callsFake((input: { Filters?: { AccountId?: string } }) => {
      const account = input.Filters?.AccountId ?? ''
      return {
        AggregateComplianceByConfigRules: Object.entries(CONFIG[account] ?? {}).map(([name, type]) => ({
          ConfigRuleName: name,
          AccountId: account,
          AwsRegion: REGION,
          Compliance: { ComplianceType: type },
        })),
      }
    })
}

interface ConfigView {
  status: string
  aggregator: string | null
  reason: string | null
  summary: Record<'agree' | 'disagree' | 'unknown', number>
  unmappedRules: number
  rules: Array<{
    configRuleName: string
    managedRule: string
    region: string
    configCompliance: string
    orgwardenRules: string[]
    orgwarden: { status: string; openFindings: number; suppressedFindings: number }
    agreement: string
  }>
}

for (const kind of STORE_KINDS) {
  describe(`AWS Config beside Orgwarden on ${kind}`, () => {
    let ctx: TestContext

    before(async () => {
      installAws()
      const sources = createSourceResolver({
        aws: {
          region: REGION,
          regions: [REGION],
          auditRoleName: 'OrgwardenAudit',
          baseCredentials,
          credentialReport: { initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 1_000 },
          organizationsRates: FAST_RATES,
          configAggregator: { accountId: MGMT, region: REGION },
        },
      })
      ctx = await createTestContext({ store: kind, sources })
      const sweep = await runSweep(ctx, { type: 'aws' })
      assert.equal(sweep.status, 'completed', JSON.stringify(sweep))
    })
    after(async () => {
      await ctx?.close()
      await ctx?.sources.close()
    })

    async function configOf(accountId: string): Promise<ConfigView> {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}`,
        headers: ctx.auth('read'),
      })
      assert.equal(res.statusCode, 200, res.body)
      return res.json().awsConfig
    }

    async function openFindings(accountId: string, ruleId: string): Promise<number> {
      const rows = await ctx.store.handle.db
        .selectFrom('findings')
        .select('id')
        .where('account_id', '=', accountId)
        .where('rule_id', '=', ruleId)
        .where('status', '=', 'open')
        .execute()
      return rows.length
    }

    test('each mapped Config rule is set against the findings of its Orgwarden rules', async () => {
      const view = await configOf(TYPICAL)
      assert.equal(view.status, 'read')
      assert.equal(view.aggregator, 'org-aggregator')
      assert.deepEqual(
        view.rules.map((r) => [r.managedRule, r.configCompliance, r.orgwarden.status, r.agreement]),
        [
          ['iam-root-access-key-check', 'COMPLIANT', 'compliant', 'agree'],
          ['iam-user-mfa-enabled', 'INSUFFICIENT_DATA', 'non-compliant', 'unknown'],
          ['mfa-enabled-for-iam-console-access', 'NON_COMPLIANT', 'non-compliant', 'agree'],
          ['root-account-hardware-mfa-enabled', 'COMPLIANT', 'non-compliant', 'disagree'],
        ],
      )
      assert.deepEqual(view.summary, { agree: 2, disagree: 1, unknown: 1 })
      assert.equal(view.unmappedRules, 1)
      const hardware = view.rules.find((r) => r.managedRule === 'root-account-hardware-mfa-enabled')
      assert.deepEqual(hardware?.orgwardenRules, ['root.hardware-mfa-missing'])
      assert.equal(hardware?.configRuleName, 'root-account-hardware-mfa-enabled')
      assert.equal(hardware?.region, REGION)
      // The counts are the account's stored findings of the mapped rules.
      for (const r of view.rules) {
        let n = 0
        for (const id of r.orgwardenRules) n += await openFindings(TYPICAL, id)
        assert.equal(r.orgwarden.openFindings, n, r.managedRule)
        assert.equal(r.orgwarden.status === 'non-compliant', n > 0, r.managedRule)
      }
      const keys = view.rules.find((r) => r.managedRule === 'iam-root-access-key-check')
      assert.equal(keys?.configRuleName, 'securityhub-iam-root-access-key-check-a1b2c3')
    })

    test('Config seeing a problem Orgwarden does not is a disagreement too', async () => {
      const view = await configOf(NESTED)
      assert.deepEqual(
        view.rules.map((r) => [r.managedRule, r.orgwarden.status, r.agreement]),
        [
          ['iam-root-access-key-check', 'compliant', 'disagree'],
          ['iam-server-certificate-expiration-check', 'non-compliant', 'agree'],
        ],
      )
      assert.deepEqual(view.summary, { agree: 1, disagree: 1, unknown: 0 })
    })

    test('a suppressed finding still agrees with a NON_COMPLIANT Config rule', async () => {
      const row = await ctx.store.handle.db
        .selectFrom('findings')
        .select('id')
        .where('account_id', '=', NESTED)
        .where('rule_id', '=', 'account.expired-server-certificate')
        .executeTakeFirstOrThrow()
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/findings/${row.id}/suppress`,
        headers: ctx.auth(),
        payload: { reason: 'certificate is being replaced' },
      })
      assert.equal(res.statusCode, 200, res.body)
      const cert = (await configOf(NESTED)).rules.find(
        (r) => r.managedRule === 'iam-server-certificate-expiration-check',
      )
      assert.deepEqual(cert?.orgwarden, { status: 'non-compliant', openFindings: 0, suppressedFindings: 1 })
      assert.equal(cert?.agreement, 'agree')
    })

    test('an unreachable account has no Config reading and no comparison', async () => {
      const view = await configOf(DENIED)
      assert.equal(view.status, 'not-read')
      assert.deepEqual(view.rules, [])
      assert.match(view.reason ?? '', /no AWS Config aggregator was read/)
    })
  })
}
