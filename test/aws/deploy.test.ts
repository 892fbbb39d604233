/**
 * The deploy templates grant exactly the calls the AWS source makes: every action listed in
 * src/aws/audit-permissions.ts, nothing more, and every call a full sweep makes is listed.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { beforeEach, describe, test } from 'node:test'
import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
} from '@aws-sdk/client-config-service'
import { GetPolicyCommand, ListPoliciesCommand } from '@aws-sdk/client-iam'
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand as ListOrgPoliciesCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations'
import { AGGREGATOR_ACTIONS, AUDIT_ROLE_ACTIONS, HUB_ACTIONS } from '../../src/aws/audit-permissions.js'
import type { CollectionReport } from '../../src/sources/aws-source.js'
import { SWEEP, testSource } from './helpers.js'
import { AWS_POLICIES, createMocks, installHappyAccounts, resetMocks } from './world.js'

const mocks = createMocks()
const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

/** `service:Action` tokens of the given services, without comments. */
function actionsIn(text: string, services: string[]): string[] {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
  const found = code.match(/\b[a-z-]+:[A-Z][A-Za-z]+\b/g) ?? []
  return [...new Set(found.filter((token) => services.includes(token.split(':')[0])))].sort()
}

const ROLE_SERVICES = ['iam', 'cloudtrail', 'config', 'access-analyzer']
const expectedRole = [...AUDIT_ROLE_ACTIONS, ...AGGREGATOR_ACTIONS].sort()

describe('deploy templates', () => {
  test('the CloudFormation template grants exactly the audit actions and trusts only the hub', () => {
    const template = read('deploy/cloudformation/audit-role.yaml')
    assert.deepEqual(actionsIn(template, ROLE_SERVICES), expectedRole)
    assert.deepEqual(actionsIn(template, ['sts']), ['sts:AssumeRole', 'sts:ExternalId'])
    assert.match(template, /Principal:\n\s+AWS: !Ref HubPrincipalArn/)
    assert.match(template, /Resource: !Sub 'arn:\$\{AWS::Partition\}:iam::aws:policy\/\*'/)
    assert.doesNotMatch(template, /Action:\s*'?\w*:?\*/, 'no wildcard actions')
  })

  test('the Terraform module grants the same actions', () => {
    const main = read('deploy/terraform/audit-role/main.tf')
    assert.deepEqual(actionsIn(main, ROLE_SERVICES), expectedRole)
    assert.deepEqual(actionsIn(main, ['sts']), ['sts:AssumeRole', 'sts:ExternalId'])
    assert.match(main, /identifiers = \[var\.hub_principal_arn\]/)
  })

  test('the README gives the hub exactly the hub actions', () => {
    const readme = read('deploy/README.md')
    const policy = readme.slice(
      readme.indexOf('```json'),
      readme.indexOf('```', readme.indexOf('```json') + 7),
    )
    assert.deepEqual(actionsIn(policy, ['organizations', 'sts']), [...HUB_ACTIONS].sort())
  })
})

describe('calls a sweep makes', () => {
  beforeEach(() => {
    resetMocks(mocks)
    installHappyAccounts(mocks)
    const org = mocks.organizations
    org.on(DescribeOrganizationCommand).resolves({
      Organization: {
        Id: 'o-1',
        Arn: 'arn:aws:organizations::100000000001:organization/o-1',
        MasterAccountId: '100000000001',
        FeatureSet: 'ALL',
      },
    })
    org.on(ListRootsCommand).resolves({
      Roots: [{ Id: 'r-1', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }],
    })
    org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] })
    org.on(ListAccountsForParentCommand).resolves({ Accounts: [{ Id: '900000000009', State: 'ACTIVE' }] })
    org.on(ListOrgPoliciesCommand).resolves({ Policies: [{ Id: 'p-1', Name: 'FullAWSAccess' }] })
    org.on(DescribePolicyCommand).resolves({ Policy: { Content: '{}' } })
    org.on(ListTargetsForPolicyCommand).resolves({ Targets: [{ TargetId: 'r-1' }] })
    org.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: '900000000009' }] })
    org
      .on(ListDelegatedServicesForAccountCommand)
      .resolves({ DelegatedServices: [{ ServicePrincipal: 'config.amazonaws.com' }] })
    org.on(ListTagsForResourceCommand).resolves({ Tags: [] })
    mocks.config
      .on(DescribeConfigurationAggregatorsCommand)
      .resolves({ ConfigurationAggregators: [{ ConfigurationAggregatorName: 'org' }] })
    mocks.config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .resolves({ AggregateComplianceByConfigRules: [] })
    // One AWS-managed policy missing from the listing, so the GetPolicy fallback is exercised.
    mocks.iam.on(ListPoliciesCommand).resolves({
      Policies: Object.entries(AWS_POLICIES)
        .slice(1)
        .map(([arn, p]) => ({ Arn: arn, PolicyName: p.name, DefaultVersionId: p.version })),
      IsTruncated: false,
    })
    const [arn, first] = Object.entries(AWS_POLICIES)[0]
    mocks.iam
      .on(GetPolicyCommand)
      .resolves({ Policy: { Arn: arn, PolicyName: first.name, DefaultVersionId: first.version } })
  })

  test('every call of an organization read and an account collection is a granted action, and every granted action is used', async () => {
    const reports: CollectionReport[] = []
    const source = testSource({
      configAggregator: { accountId: '100000000001', region: 'us-east-1' },
      onStats: (report) => reports.push(report),
    })
    await source.readOrganization()
    await source.readAccountTags(['900000000009'], async () => {})
    await source.collectAccount('900000000009', { sweepId: SWEEP })
    const called = new Set(reports.flatMap((r) => Object.keys(r.stats.calls)))
    const granted = new Set<string>([...AUDIT_ROLE_ACTIONS, ...AGGREGATOR_ACTIONS, ...HUB_ACTIONS])
    assert.deepEqual(
      [...called].filter((api) => !granted.has(api)),
      [],
      'called but not granted',
    )
    assert.deepEqual(
      [...granted].filter((api) => !called.has(api)),
      [],
      'granted but never called',
    )
  })
})
