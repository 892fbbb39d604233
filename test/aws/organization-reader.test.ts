import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { mockClient } from 'aws-sdk-client-mock'
import { AwsCallError } from '../../src/aws/errors.js'
import { buildOrgTree } from '../../src/org/tree.js'
import { awsError, testSource } from './helpers.js'

const org = mockClient(OrganizationsClient)
const MGMT = '100000000001'
const ROOT = 'r-ab12'
const OU_A = 'ou-ab12-aaaaaaaa'
const OU_B = 'ou-ab12-bbbbbbbb'
const OU_C = 'ou-ab12-cccccccc'
const arn = (kind: string, id: string) => `arn:aws:organizations::${MGMT}:${kind}/o-abc/${id}`

/** Answers a paginated call from `pages[key]`, following NextToken `<key>#<n>`. */
function paged(
  pages: Record<string, Array<Record<string, unknown>>>,
  keyOf: (input: Record<string, unknown>) => string,
) {
  return (input: Record<string, unknown>) => {
    const key = keyOf(input)
    const list = pages[key]
    if (!list) throw awsError('TargetNotFoundException', `no fake data for ${key}`)
    const token = typeof input.NextToken === 'string' ? input.NextToken : undefined
    const n = token ? Number(token.split('#')[1]) : 0
    const page = list[n]
    if (!page) throw new Error(`bad token ${token}`)
    return n + 1 < list.length ? { ...page, NextToken: `${key}#${n + 1}` } : page
  }
}

const account = (id: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  Arn: arn('account', id),
  Name: `acct-${id}`,
  Email: `${id}@example.test`,
  State: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: new Date('2025-05-05T00:00:00Z'),
  ...extra,
})

function installOrganization() {
  org.on(DescribeOrganizationCommand).resolves({
    Organization: {
      Id: 'o-abc',
      Arn: `arn:aws:organizations::${MGMT}:organization/o-abc`,
      MasterAccountId: MGMT,
      FeatureSet: 'ALL',
    },
  })
  org.on(ListRootsCommand).callsFake(
    paged(
      {
        // Organizations may answer a page with no items and a NextToken.
        roots: [
          { Roots: [] },
          {
            Roots: [
              {
                Id: ROOT,
                Arn: arn('root', ROOT),
                Name: 'Root',
                PolicyTypes: [
                  { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
                  { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
                  { Type: 'TAG_POLICY', Status: 'ENABLED' },
                ],
              },
            ],
          },
        ],
      },
      () => 'roots',
    ),
  )
  org.on(ListOrganizationalUnitsForParentCommand).callsFake(
    paged(
      {
        [ROOT]: [
          { OrganizationalUnits: [{ Id: OU_A, Arn: arn('ou', OU_A), Name: 'A' }] },
          { OrganizationalUnits: [{ Id: OU_C, Arn: arn('ou', OU_C), Name: 'C' }] },
        ],
        [OU_A]: [{ OrganizationalUnits: [{ Id: OU_B, Arn: arn('ou', OU_B), Name: 'B' }] }],
        [OU_B]: [{ OrganizationalUnits: [] }],
        [OU_C]: [{ OrganizationalUnits: [] }],
      },
      (input) => String(input.ParentId),
    ),
  )
  org.on(ListAccountsForParentCommand).callsFake(
    paged(
      {
        [ROOT]: [{ Accounts: [account(MGMT, { JoinedMethod: 'INVITED' })] }],
        [OU_A]: [{ Accounts: [] }],
        [OU_B]: [{ Accounts: [account('200000000002')] }],
        [OU_C]: [
          { Accounts: [account('300000000003'), account('400000000004', { State: 'SUSPENDED' })] },
          {
            Accounts: [
              account('500000000005', { State: undefined, Status: 'PENDING_CLOSURE' }),
              account('600000000006', { State: 'CLOSED' }),
            ],
          },
        ],
      },
      (input) => String(input.ParentId),
    ),
  )
  org.on(ListPoliciesCommand).callsFake(
    paged(
      {
        SERVICE_CONTROL_POLICY: [
          {
            Policies: [
              {
                Id: 'p-FullAWSAccess',
                Arn: arn('policy', 'p-full'),
                Name: 'FullAWSAccess',
                AwsManaged: true,
                Type: 'SERVICE_CONTROL_POLICY',
              },
            ],
          },
          {
            Policies: [
              {
                Id: 'p-denyleave',
                Arn: arn('policy', 'p-deny'),
                Name: 'deny-leave',
                Description: 'no leaving',
                AwsManaged: false,
              },
            ],
          },
        ],
        RESOURCE_CONTROL_POLICY: [
          {
            Policies: [
              {
                Id: 'p-RCPFullAWSAccess',
                Arn: arn('policy', 'p-rcp'),
                Name: 'RCPFullAWSAccess',
                AwsManaged: true,
              },
            ],
          },
        ],
      },
      (input) => String(input.Filter),
    ),
  )
  org.on(DescribePolicyCommand).callsFake((input: { PolicyId: string }) => ({
    Policy: { Content: `{"Version":"2012-10-17","Statement":[{"Sid":"${input.PolicyId}"}]}` },
  }))
  org.on(ListTargetsForPolicyCommand).callsFake(
    paged(
      {
        'p-FullAWSAccess': [
          { Targets: [{ TargetId: ROOT }, { TargetId: OU_A }] },
          { Targets: [{ TargetId: OU_B }, { TargetId: MGMT }] },
        ],
        'p-denyleave': [{ Targets: [{ TargetId: OU_C }] }],
        'p-RCPFullAWSAccess': [{ Targets: [{ TargetId: ROOT }] }],
      },
      (input) => String(input.PolicyId),
    ),
  )
  org.on(ListDelegatedAdministratorsCommand).callsFake(
    paged(
      {
        admins: [
          { DelegatedAdministrators: [{ Id: '300000000003' }] },
          { DelegatedAdministrators: [{ Id: '200000000002' }] },
        ],
      },
      () => 'admins',
    ),
  )
  org.on(ListDelegatedServicesForAccountCommand).callsFake(
    paged(
      {
        '300000000003': [
          { DelegatedServices: [{ ServicePrincipal: 'config.amazonaws.com' }] },
          { DelegatedServices: [{ ServicePrincipal: 'access-analyzer.amazonaws.com' }] },
        ],
        '200000000002': [{ DelegatedServices: [{ ServicePrincipal: 'securityhub.amazonaws.com' }] }],
      },
      (input) => String(input.AccountId),
    ),
  )
}

beforeEach(() => {
  org.reset()
  installOrganization()
  // Accounts without tags answer one empty page.
  org.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string; NextToken?: string }) => {
    if (input.ResourceId !== '200000000002') return { Tags: [] }
    return input.NextToken
      ? { Tags: [{ Key: 'cost-centre', Value: 'cc-7' }] }
      : { Tags: [{ Key: 'owner', Value: 'team-a' }], NextToken: 'tags#1' }
  })
})

describe('readOrganization', () => {
  test('walks the whole tree through every page, with parents, states, policies, admins and tags', async () => {
    const source = testSource()
    const snapshot = await source.readOrganization()

    assert.deepEqual(snapshot.organization, {
      id: 'o-abc',
      arn: `arn:aws:organizations::${MGMT}:organization/o-abc`,
      managementAccountId: MGMT,
      featureSet: 'ALL',
    })
    assert.deepEqual(snapshot.roots, [
      {
        id: ROOT,
        arn: arn('root', ROOT),
        name: 'Root',
        policyTypes: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'],
      },
    ])
    assert.deepEqual(
      snapshot.organizationalUnits.map((u) => [u.id, u.parentId]).sort(),
      [
        [OU_A, ROOT],
        [OU_B, OU_A],
        [OU_C, ROOT],
      ].sort(),
    )
    const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]))
    assert.equal(accounts.size, 6)
    assert.equal(accounts.get(MGMT)?.parentId, ROOT)
    assert.equal(accounts.get(MGMT)?.joinedMethod, 'INVITED')
    assert.equal(accounts.get('200000000002')?.parentId, OU_B)
    assert.equal(accounts.get('200000000002')?.joinedAt, '2025-05-05T00:00:00.000Z')
    assert.deepEqual(accounts.get('200000000002')?.tags, { owner: 'team-a', 'cost-centre': 'cc-7' })
    assert.deepEqual(
      ['300000000003', '400000000004', '500000000005', '600000000006'].map((id) => accounts.get(id)?.status),
      ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'SUSPENDED'],
    )

    const policies = new Map(snapshot.policies.map((p) => [p.name, p]))
    assert.deepEqual(policies.get('FullAWSAccess')?.targets, [ROOT, OU_A, OU_B, MGMT])
    assert.equal(
      policies.get('FullAWSAccess')?.content,
      '{"Version":"2012-10-17","Statement":[{"Sid":"p-FullAWSAccess"}]}',
    )
    assert.equal(policies.get('deny-leave')?.description, 'no leaving')
    assert.equal(policies.get('deny-leave')?.awsManaged, false)
    assert.equal(policies.get('RCPFullAWSAccess')?.type, 'RESOURCE_CONTROL_POLICY')
    assert.deepEqual(
      snapshot.delegatedAdministrators.map((d) => `${d.accountId} ${d.servicePrincipal}`).sort(),
      [
        '200000000002 securityhub.amazonaws.com',
        '300000000003 access-analyzer.amazonaws.com',
        '300000000003 config.amazonaws.com',
      ],
    )
    // The snapshot is a valid model: the tree builds and every account has a path.
    assert.equal(buildOrgTree(snapshot).orgPath('200000000002'), `o-abc/${ROOT}/${OU_A}/${OU_B}/`)

    const stats = source.lastOrganizationReport()?.stats
    assert.equal(stats?.calls['organizations:ListRoots'], 2)
    assert.equal(stats?.calls['organizations:ListTargetsForPolicy'], 4)
    assert.equal(stats?.calls['organizations:DescribePolicy'], 3)
    assert.equal(stats?.calls['organizations:ListTagsForResource'], 7)
    assert.equal(
      stats?.calls['organizations:ListPoliciesForTarget'],
      undefined,
      'the per-target pattern is not used',
    )
    // Largest page size everywhere.
    assert.equal(org.commandCalls(ListAccountsForParentCommand)[0].args[0].input.MaxResults, 20)
  })

  test('an organization without all features has no SCPs or RCPs to ask for', async () => {
    org.on(DescribeOrganizationCommand).resolves({
      Organization: {
        Id: 'o-abc',
        Arn: 'arn:aws:organizations::1:organization/o-abc',
        MasterAccountId: MGMT,
        FeatureSet: 'CONSOLIDATED_BILLING',
      },
    })
    const snapshot = await testSource().readOrganization()
    assert.deepEqual(snapshot.policies, [])
    assert.equal(org.commandCalls(ListPoliciesCommand).length, 0)
  })

  test('refused tags are a warning; the snapshot is still read', async () => {
    org
      .on(ListTagsForResourceCommand)
      .rejects(awsError('AccessDeniedException', 'no tags for you', { status: 403 }))
    const source = testSource()
    const snapshot = await source.readOrganization()
    assert.ok(snapshot.accounts.every((a) => Object.keys(a.tags).length === 0))
    const report = source.lastOrganizationReport()
    assert.equal(report?.outcome, 'read')
    assert.equal(report?.warnings.length, 1)
    assert.match(
      report?.warnings[0] ?? '',
      /^account tags not read: .*AccessDeniedException: no tags for you/,
    )
  })

  test('a refused core call fails the read, naming the call', async () => {
    org.on(ListAccountsForParentCommand).rejects(awsError('AccessDeniedException', 'denied', { status: 403 }))
    const source = testSource()
    await assert.rejects(source.readOrganization(), (err: unknown) => {
      assert.ok(err instanceof AwsCallError)
      assert.equal(err.transient, false)
      assert.match(err.message, /organizations:ListAccountsForParent failed with AccessDeniedException/)
      return true
    })
    assert.equal(source.lastOrganizationReport()?.outcome, 'failed')
  })

  test('throttling that outlived the SDK retries is transient', async () => {
    org.on(DescribePolicyCommand).rejects(awsError('TooManyRequestsException', 'slow down'))
    await assert.rejects(
      testSource().readOrganization(),
      (err: unknown) => err instanceof AwsCallError && err.transient,
    )
  })

  test("requests are paced by AWS's buckets: DescribePolicy at 2 per second after a burst of 2", async () => {
    const started = performance.now()
    const stamps: number[] = []
    org.on(DescribePolicyCommand).callsFake(() => {
      stamps.push(performance.now() - started)
      return { Policy: { Content: '{}' } }
    })
    const { DescribePolicy: _paced, ...fast } = (await import('./helpers.js')).FAST_RATES
    await testSource({ organizationsRates: fast }).readOrganization()
    assert.equal(stamps.length, 3)
    // Two from the burst, the third waits about half a second for a token.
    assert.ok(
      stamps[2] - stamps[0] >= 400,
      `third DescribePolicy came after ${Math.round(stamps[2] - stamps[0])} ms`,
    )
  })
})
