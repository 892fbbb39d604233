import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { ClientPool } from '../../src/aws/client-pool.js'
import { CredentialBroker } from '../../src/aws/credentials.js'
import { AwsCallError } from '../../src/aws/errors.js'
import { AccountUnreachableError } from '../../src/org/source.js'
import { createAwsSource } from '../../src/sources/aws-source.js'
import {
  accountOfRoleArn,
  awsError,
  BASE_KEY_ID,
  baseCredentials,
  sessionKeyId,
  stsCredentials,
} from './helpers.js'

const sts = mockClient(STSClient)
const ACCOUNT = '300000000003'
const HUB_ROLE = 'arn:aws:iam::100000000001:role/OrgwardenHub'

interface AssumeInput {
  RoleArn: string
  RoleSessionName: string
  ExternalId?: string
  DurationSeconds?: number
}

function broker(options: Partial<ConstructorParameters<typeof CredentialBroker>[0]> = {}) {
  return new CredentialBroker({
    pool: new ClientPool(),
    region: 'us-east-1',
    partition: 'aws',
    auditRoleName: 'OrgwardenAudit',
    baseCredentials,
    ...options,
  })
}

const inputs = () => sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input as AssumeInput)

beforeEach(() => {
  sts.reset()
  sts
    .on(AssumeRoleCommand)
    .callsFake((input: AssumeInput) => ({ Credentials: stsCredentials(accountOfRoleArn(input.RoleArn)) }))
})

describe('audit sessions', () => {
  test("role ARN in the region's partition (GovCloud), ExternalId, a session name that names the sweep", async () => {
    const b = broker({ region: 'us-gov-west-1', partition: 'aws-us-gov', externalId: 'ext-123' })
    const credentials = await b.forAccount(ACCOUNT, 'sweep-42')
    assert.equal(credentials.accessKeyId, sessionKeyId(ACCOUNT))
    assert.deepEqual(inputs(), [
      {
        RoleArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/OrgwardenAudit`,
        RoleSessionName: 'orgwarden-sweep-42',
        DurationSeconds: 3600,
        ExternalId: 'ext-123',
      },
    ])
  })

  test('the GovCloud partition comes from the region through the source as well', async () => {
    const source = createAwsSource({
      region: 'us-gov-west-1',
      regions: ['us-gov-west-1', 'us-gov-east-1'],
      auditRoleName: 'Audit',
      hubRoleArn: 'arn:aws-us-gov:iam::100000000001:role/Hub',
      baseCredentials,
    })
    // The first AssumeRole is the hub's; the member's role follows in the same partition.
    sts.on(AssumeRoleCommand).callsFake((input: AssumeInput) => {
      if (input.RoleArn.endsWith(':role/Hub')) return { Credentials: stsCredentials('100000000001') }
      throw awsError('AccessDenied', 'stop here')
    })
    await assert.rejects(source.collectAccount(ACCOUNT, { sweepId: 's' }), AccountUnreachableError)
    assert.deepEqual(
      inputs().map((i) => i.RoleArn),
      ['arn:aws-us-gov:iam::100000000001:role/Hub', `arn:aws-us-gov:iam::${ACCOUNT}:role/Audit`],
    )
  })

  test('a session is shared until shortly before it expires, and per sweep', async () => {
    const b = broker()
    await Promise.all([b.forAccount(ACCOUNT, 'a'), b.forAccount(ACCOUNT, 'a'), b.forAccount(ACCOUNT, 'a')])
    assert.equal(inputs().length, 1, 'concurrent askers share one AssumeRole')
    await b.forAccount(ACCOUNT, 'b')
    assert.equal(inputs().length, 2, 'another sweep gets a session of its own')

    sts.on(AssumeRoleCommand).callsFake((input: AssumeInput) => ({
      Credentials: stsCredentials(accountOfRoleArn(input.RoleArn), 5 * 60_000),
    }))
    await b.forAccount('400000000004', 'a')
    await b.forAccount('400000000004', 'a')
    assert.equal(inputs().length, 4, 'a session within the refresh margin is replaced')
  })

  test('a session name is cut to 64 characters of what STS accepts', async () => {
    await broker().forAccount(ACCOUNT, `weird id/with spaces:${'x'.repeat(80)}`)
    const [input] = inputs()
    assert.equal(input.RoleSessionName.length, 64)
    assert.match(input.RoleSessionName, /^orgwarden-weird-id-with-spaces-x+$/)
  })

  test('AccessDenied → unreachable, naming the role, the account and the principal to trust', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        awsError(
          'AccessDenied',
          `User: arn:aws:sts::100000000001:assumed-role/hub/i-0abc is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/OrgwardenAudit`,
          { status: 403 },
        ),
      )
    await assert.rejects(broker({ externalId: 'x-1' }).forAccount(ACCOUNT, 's'), (err: unknown) => {
      assert.ok(err instanceof AccountUnreachableError)
      assert.match(err.reason, /role OrgwardenAudit missing in account 300000000003 or does not trust/)
      assert.match(
        err.reason,
        /arn:aws:sts::100000000001:assumed-role\/hub\/i-0abc with the configured ExternalId/,
      )
      return true
    })
  })

  test('with a hub role, the hub role is the principal named, and its session assumes the member role', async () => {
    const seen: string[] = []
    sts.on(AssumeRoleCommand).callsFake(async (input: AssumeInput, getClient) => {
      const caller = await (
        getClient() as unknown as { config: { credentials: () => Promise<{ accessKeyId: string }> } }
      ).config.credentials()
      seen.push(`${caller.accessKeyId} → ${input.RoleArn}`)
      if (input.RoleArn === HUB_ROLE) return { Credentials: stsCredentials('100000000001') }
      throw awsError('AccessDenied', 'not authorized', { status: 403 })
    })
    await assert.rejects(broker({ hubRoleArn: HUB_ROLE }).forAccount(ACCOUNT, 's'), (err: unknown) => {
      assert.ok(err instanceof AccountUnreachableError)
      assert.match(err.reason, /does not trust arn:aws:iam::100000000001:role\/OrgwardenHub/)
      return true
    })
    assert.deepEqual(seen, [
      `${BASE_KEY_ID} → ${HUB_ROLE}`,
      `${sessionKeyId('100000000001')} → arn:aws:iam::${ACCOUNT}:role/OrgwardenAudit`,
    ])
  })

  test("a refused hub role is the hub's problem, not the member's", async () => {
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'hub cannot be assumed', { status: 403 }))
    await assert.rejects(broker({ hubRoleArn: HUB_ROLE }).forAccount(ACCOUNT, 's'), (err: unknown) => {
      assert.ok(err instanceof AwsCallError && !(err instanceof AccountUnreachableError))
      assert.equal(err.transient, false)
      assert.match(err.message, /hub role arn:aws:iam::100000000001:role\/OrgwardenHub/)
      return true
    })
  })

  test('throttled AssumeRole is transient and not cached', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .callsFake((input: AssumeInput) => ({
        Credentials: stsCredentials(accountOfRoleArn(input.RoleArn)),
      }))
    const b = broker()
    await assert.rejects(
      b.forAccount(ACCOUNT, 's'),
      (err: unknown) => err instanceof AwsCallError && err.transient,
    )
    const credentials = await b.forAccount(ACCOUNT, 's')
    assert.equal(credentials.accessKeyId, sessionKeyId(ACCOUNT))
  })

  test('options from two partitions are refused when the source is created', () => {
    assert.throws(
      () =>
        createAwsSource({
          region: 'us-east-1',
          regions: ['cn-north-1'],
          auditRoleName: 'A',
          baseCredentials,
        }),
      /not in partition aws/,
    )
    assert.throws(
      () =>
        createAwsSource({
          region: 'cn-north-1',
          regions: ['cn-north-1'],
          auditRoleName: 'A',
          hubRoleArn: 'arn:aws:iam::1:role/x',
          baseCredentials,
        }),
      /not in partition aws-cn/,
    )
  })
})
