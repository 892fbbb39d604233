import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListPoliciesCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { mockClient } from 'aws-sdk-client-mock'
import { AwsCallError } from '../../src/aws/errors.js'
import { readAccountTags } from '../../src/aws/organization-reader.js'
import { OrganizationsThrottle } from '../../src/aws/organizations-throttle.js'
import { buildOrgTree } from '../../src/org/tree.js'
import { awsError, FAST_RATES, testSource } from './helpers.js'
import { arn, installOrganization, MGMT, OU_A, OU_B, OU_C, ROOT } from './org-world.js'

const org = mockClient(OrganizationsClient)
beforeEach(() => {
  org.reset()
  installOrganization(org)
})

describe('readOrganization', () => {
  test('walks the whole tree through every page, with parents, states, policies and admins', async () => {
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
    // Tags are read apart (readAccountTags): the sweep fills them in from the store.
    assert.deepEqual(accounts.get('200000000002')?.tags, {})
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
    // AWS keeps RCPFullAWSAccess on every node and lets no one detach it: not listed, filled in.
    assert.deepEqual(
      [...(policies.get('RCPFullAWSAccess')?.targets ?? [])].sort(),
      [ROOT, ...[OU_A, OU_B, OU_C], ...accounts.keys()].sort(),
    )
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
    // FullAWSAccess (2 pages) and deny-leave (1); never RCPFullAWSAccess.
    assert.equal(stats?.calls['organizations:ListTargetsForPolicy'], 3)
    assert.equal(stats?.calls['organizations:DescribePolicy'], 3)
    assert.equal(stats?.calls['organizations:ListTagsForResource'], undefined)
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

  test('account tags: every page of every account, handed over in batches', async () => {
    const ids = ['200000000002', '300000000003', '400000000004', MGMT]
    const batches: Array<Map<string, Record<string, string>>> = []
    const read = await testSource().readAccountTags(ids, async (batch) => {
      batches.push(batch)
    })
    assert.deepEqual(read, { read: 4 })
    const all = new Map(batches.flatMap((b) => [...b]))
    assert.deepEqual([...all.keys()].sort(), [...ids].sort())
    assert.deepEqual(all.get('200000000002'), { owner: 'team-a', 'cost-centre': 'cc-7' })
    assert.deepEqual(all.get('300000000003'), {})
    // Two pages for the tagged account, one for each of the others.
    assert.equal(org.commandCalls(ListTagsForResourceCommand).length, 5)
  })

  test('refused tags end the tag read with a warning, keeping what was read', async () => {
    org
      .on(ListTagsForResourceCommand)
      .rejects(awsError('AccessDeniedException', 'no tags for you', { status: 403 }))
    const batches: unknown[] = []
    const read = await testSource().readAccountTags(['200000000002', '300000000003'], async (b) => {
      batches.push(b)
    })
    assert.equal(read.read, 0)
    assert.deepEqual(batches, [])
    assert.match(read.warning ?? '', /^account tags not read: .*AccessDeniedException: no tags for you/)
  })

  test('a batch that cannot be saved fails the tag read, without crashing the process', async () => {
    const ids = ['200000000002', '300000000003', '400000000004', MGMT]
    const deps = {
      client: new OrganizationsClient({ region: 'us-east-1' }),
      throttle: new OrganizationsThrottle({ rates: FAST_RATES }),
    }
    // The first account answers at once, the others later: its save fails while they are read.
    org.on(ListTagsForResourceCommand).callsFake(async (input: { ResourceId?: string }) => {
      if (input.ResourceId !== ids[0]) await new Promise((resolve) => setTimeout(resolve, 50))
      return { Tags: [] }
    })
    let saves = 0
    // One account per batch.
    const read = readAccountTags(
      deps,
      ids,
      async () => {
        saves++
        throw new Error('database went away')
      },
      1,
    )
    await assert.rejects(read, /database went away/)
    assert.equal(saves, 1, 'nothing more is saved after a failed save')
  })

  test('throttling of the tag read that outlived the SDK retries is thrown (the job retries)', async () => {
    org.on(ListTagsForResourceCommand).rejects(awsError('TooManyRequestsException', 'slow down'))
    await assert.rejects(
      testSource({ maxAttempts: 1 }).readAccountTags(['300000000003'], async () => {}),
      (err: unknown) => err instanceof AwsCallError && err.transient === true,
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

  test('a tag refresh leaves the throttle room for the organization read instead of queueing every tag read at once', async () => {
    const done: string[] = []
    org.on(ListTagsForResourceCommand).callsFake(() => {
      done.push('tags')
      return { Tags: [] }
    })
    org.on(DescribeOrganizationCommand).callsFake(() => {
      done.push('describe')
      return { Organization: { Id: 'o-abc' } }
    })
    // The default four slots; the tag bucket lets one request through every 50 ms.
    const throttle = new OrganizationsThrottle({
      rates: { ListTagsForResource: { rate: 20, burst: 1 }, DescribeOrganization: { rate: 100, burst: 10 } },
    })
    const client = new OrganizationsClient({ region: 'us-east-1' })
    const ids = Array.from({ length: 20 }, (_, i) => `3000000000${String(i).padStart(2, '0')}`)
    const tags = readAccountTags({ client, throttle }, ids, async () => {})
    // Asked while twenty tag reads (about a second of tokens) are under way.
    await new Promise((resolve) => setTimeout(resolve, 20))
    await throttle.call('DescribeOrganization', (o) => client.send(new DescribeOrganizationCommand({}), o))
    await tags
    assert.equal(done.length, 21)
    assert.ok(
      done.indexOf('describe') <= 2,
      `DescribeOrganization answered after ${done.indexOf('describe')} tag reads`,
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
