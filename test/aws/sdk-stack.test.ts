/**
 * The real SDK stack (retry strategy, endpoint resolution, our accounting middleware) against a
 * fake HTTP handler. aws-sdk-client-mock replaces `send` and so never reaches these parts.
 */
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { AwsCallError } from '../../src/aws/errors.js'
import { testSource } from './helpers.js'

interface FakeRequest {
  hostname: string
  port?: number
  headers: Record<string, string>
}

type Answer = { status: number; body: unknown }

/** An Organizations endpoint in a few lines: answers by X-Amz-Target, one queue per operation. */
function fakeOrganizations(overrides: Record<string, Answer[]> = {}) {
  const seen: Array<{ operation: string; host: string; attempt: string }> = []
  let bytes = 0
  const defaults: Record<string, unknown> = {
    DescribeOrganization: {
      Organization: {
        Id: 'o-1',
        Arn: 'arn:aws:organizations::100000000001:organization/o-1',
        MasterAccountId: '100000000001',
        FeatureSet: 'ALL',
      },
    },
    ListRoots: {
      Roots: [
        { Id: 'r-1', Arn: 'arn:aws:organizations::100000000001:root/o-1/r-1', Name: 'Root', PolicyTypes: [] },
      ],
    },
    ListOrganizationalUnitsForParent: { OrganizationalUnits: [] },
    ListAccountsForParent: {
      Accounts: [
        {
          Id: '100000000001',
          Name: 'mgmt',
          State: 'ACTIVE',
          JoinedMethod: 'CREATED',
          JoinedTimestamp: 1.7e9,
        },
      ],
    },
    ListDelegatedAdministrators: { DelegatedAdministrators: [] },
    ListTagsForResource: { Tags: [] },
  }
  const handler = {
    async handle(request: FakeRequest) {
      const operation = (request.headers['x-amz-target'] ?? '').split('.')[1] ?? ''
      seen.push({
        operation,
        host: `${request.hostname}${request.port ? `:${request.port}` : ''}`,
        attempt: request.headers['amz-sdk-request'] ?? '',
      })
      const queued = overrides[operation]?.shift()
      const answer = queued ?? { status: 200, body: defaults[operation] }
      if (answer.body === undefined) throw new Error(`the fake does not know ${operation}`)
      const payload = Buffer.from(JSON.stringify(answer.body))
      bytes += payload.length
      return {
        response: {
          statusCode: answer.status,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': String(payload.length),
            'x-amzn-requestid': 'fake',
          },
          body: Readable.from([payload]),
        },
      }
    },
  }
  return { handler, seen, bytes: () => bytes }
}

const throttled: Answer = {
  status: 400,
  body: { __type: 'TooManyRequestsException', Message: 'Rate exceeded' },
}
const unavailable: Answer = { status: 503, body: { __type: 'ServiceException', Message: 'try later' } }

let savedEndpoint: string | undefined

beforeEach(() => {
  savedEndpoint = process.env.AWS_ENDPOINT_URL
  delete process.env.AWS_ENDPOINT_URL
})

afterEach(() => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL
  else process.env.AWS_ENDPOINT_URL = savedEndpoint
})

describe('through the SDK stack', () => {
  test('a throttled request is retried by the SDK, and counted: retries, throttled answers, bytes', async () => {
    const fake = fakeOrganizations({ DescribeOrganization: [throttled] })
    const source = testSource({ requestHandler: fake.handler })
    const snapshot = await source.readOrganization()
    assert.equal(snapshot.organization.id, 'o-1')
    const describes = fake.seen.filter((s) => s.operation === 'DescribeOrganization')
    assert.deepEqual(
      describes.map((s) => s.attempt.split(';')[0]),
      ['attempt=1', 'attempt=2'],
    )
    const stats = source.lastOrganizationReport()?.stats
    assert.equal(stats?.calls['organizations:DescribeOrganization'], 1, 'one call, two attempts')
    assert.equal(stats?.retries, 1)
    assert.equal(stats?.throttled, 1)
    assert.equal(stats?.responseBytes, fake.bytes())
    source.close()
  })

  test('5xx until the attempts run out: a transient AwsCallError, each retry counted', async () => {
    const fake = fakeOrganizations({ ListRoots: [unavailable, unavailable] })
    const source = testSource({ requestHandler: fake.handler, maxAttempts: 2 })
    await assert.rejects(source.readOrganization(), (err: unknown) => {
      assert.ok(err instanceof AwsCallError)
      assert.equal(err.transient, true)
      assert.equal(err.code, 'ServiceException')
      return true
    })
    const stats = source.lastOrganizationReport()?.stats
    assert.equal(stats?.retries, 1)
    assert.equal(stats?.throttled, 0)
    assert.deepEqual(stats?.errors, { 'organizations:ListRoots ServiceException': 1 })
    source.close()
  })

  test('endpoints follow the region and partition: GovCloud', async () => {
    const fake = fakeOrganizations()
    const source = testSource({
      region: 'us-gov-west-1',
      regions: ['us-gov-west-1'],
      requestHandler: fake.handler,
    })
    await source.readOrganization()
    assert.deepEqual(
      [...new Set(fake.seen.map((s) => s.host))],
      ['organizations.us-gov-west-1.amazonaws.com'],
    )
    source.close()
  })

  test('AWS_ENDPOINT_URL points every client elsewhere', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566'
    const fake = fakeOrganizations()
    const source = testSource({ requestHandler: fake.handler })
    await source.readOrganization()
    assert.deepEqual([...new Set(fake.seen.map((s) => s.host))], ['localhost:4566'])
    source.close()
  })
})
