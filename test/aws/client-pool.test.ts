import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ClientPool } from '../../src/aws/client-pool.js'
import { baseCredentials } from './helpers.js'

describe('ClientPool', () => {
  test('one client per service, scope and region; retries and timeouts set once', async () => {
    const pool = new ClientPool({ maxAttempts: 7 })
    const iam = pool.get('iam', '111111111111', 'us-east-1', baseCredentials)
    assert.equal(pool.get('iam', '111111111111', 'us-east-1', baseCredentials), iam)
    assert.notEqual(pool.get('iam', '222222222222', 'us-east-1', baseCredentials), iam)
    assert.notEqual(pool.get('iam', '111111111111', 'eu-west-1', baseCredentials), iam)
    assert.notEqual(pool.get('cloudtrail', '111111111111', 'us-east-1', baseCredentials), iam)
    assert.equal(pool.size, 4)
    const strategy = (await iam.config.retryStrategy()) as unknown as {
      mode: string
      maxAttemptsProvider: () => Promise<number>
    }
    assert.equal(strategy.mode, 'standard')
    assert.equal(await strategy.maxAttemptsProvider(), 7)
    assert.equal(await iam.config.region(), 'us-east-1')
    // One HTTP handler for every client: timeouts set once, keep-alive connections reused by all.
    const handlerOf = (client: unknown) =>
      (client as { config: { requestHandler: { configProvider: Promise<Record<string, unknown>> } } }).config
        .requestHandler
    const handler = handlerOf(iam)
    assert.equal(handlerOf(pool.get('sts', 'hub', 'us-east-1', baseCredentials)), handler)
    const config = await handler.configProvider
    assert.equal(config.requestTimeout, 30_000)
    assert.equal(config.connectionTimeout, 5_000)
    assert.equal((config.httpsAgent as { keepAlive?: boolean }).keepAlive, true)
    // Plain HTTP too (an emulator at AWS_ENDPOINT_URL): the pool's agent, not one per client.
    const httpAgent = await (config.httpAgentProvider as () => Promise<{ keepAlive?: boolean }>)()
    assert.equal(httpAgent.keepAlive, true)
    pool.close()
  })

  test('endpoint settings are looked up once per service and region, and reach every account', async () => {
    const saved = { ...process.env }
    process.env.AWS_ENDPOINT_URL_IAM = 'http://iam.emulator.test:4566'
    process.env.AWS_USE_DUALSTACK_ENDPOINT = 'true'
    const pool = new ClientPool()
    try {
      pool.get('iam', '111111111111', 'us-east-1', baseCredentials)
      assert.ok(await pool.settings('iam', 'us-east-1'))
      // Gone from the environment now: an account's client that looked again would not see them.
      delete process.env.AWS_ENDPOINT_URL_IAM
      delete process.env.AWS_USE_DUALSTACK_ENDPOINT
      const next = pool.get('iam', '222222222222', 'us-east-1', baseCredentials)
      const endpoint = await (next.config.endpoint as () => Promise<{ hostname: string; port?: number }>)()
      assert.deepEqual([endpoint.hostname, endpoint.port], ['iam.emulator.test', 4566])
      assert.equal(await next.config.useDualstackEndpoint(), true)
      // Another region looks for itself.
      const elsewhere = pool.get('iam', '111111111111', 'eu-west-1', baseCredentials)
      assert.equal(await elsewhere.config.useDualstackEndpoint(), false)
      assert.equal(elsewhere.config.endpoint, undefined)
    } finally {
      process.env = saved
      pool.close()
    }
  })

  test("a scope's clients are dropped when its last holder lets go", () => {
    const pool = new ClientPool()
    pool.hold('111111111111')
    pool.hold('111111111111')
    pool.get('iam', '111111111111', 'us-east-1', baseCredentials)
    pool.get('config', '111111111111', 'eu-west-1', baseCredentials)
    pool.get('iam', 'hub', 'us-east-1', baseCredentials)
    pool.release('111111111111')
    assert.equal(pool.size, 3, 'still held once')
    pool.release('111111111111')
    assert.equal(pool.size, 1, 'only the hub client is left')
    pool.close()
  })
})
