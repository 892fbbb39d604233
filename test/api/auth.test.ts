import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext } from '../helpers/context.js'

describe('authentication and scopes', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ workers: false })
  })
  after(() => ctx.close())

  for (const url of ['/health', '/ready', '/openapi.json', '/docs/']) {
    test(`${url} answers without a token`, async () => {
      const res = await ctx.app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, res.body)
    })
  }

  for (const [method, url] of [
    ['GET', '/v1/sweeps'],
    ['POST', '/v1/sweeps'],
    ['GET', '/metrics'],
  ] as const) {
    test(`${method} ${url} without a token is 401 problem+json`, async () => {
      const res = await ctx.app.inject({ method, url, payload: method === 'POST' ? {} : undefined })
      assert.equal(res.statusCode, 401)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.equal(res.json().type, 'https://orgwarden.dev/problems/unauthorized')
    })
  }

  test('an unknown token is 401', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps',
      headers: { authorization: 'Bearer owt_nope' },
    })
    assert.equal(res.statusCode, 401)
    assert.match(res.json().detail, /unknown or revoked/)
  })

  test('a malformed Authorization header is 401', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps',
      headers: { authorization: 'Basic abc' },
    })
    assert.equal(res.statusCode, 401)
  })

  test('a read token can read but a write route answers 403', async () => {
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/sweeps', headers: ctx.auth('read') })
    assert.equal(list.statusCode, 200)
    const create = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth('read'),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    assert.equal(create.statusCode, 403)
    assert.match(create.json().detail, /scope "write"/)
  })

  test('a write token implies read', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/sweeps', headers: ctx.auth('write') })
    assert.equal(res.statusCode, 200)
  })

  test('a revoked token stops working', async () => {
    const { id, token } = await ctx.store.tokens.create('short-lived', 'read')
    await ctx.store.tokens.revoke(id)
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.statusCode, 401)
  })

  test('tokens are stored hashed, never in clear', async () => {
    const rows = await ctx.store.handle.db.selectFrom('api_tokens').select('token_hash').execute()
    for (const r of rows) {
      assert.notEqual(r.token_hash, ctx.tokens.read)
      assert.match(r.token_hash, /^[0-9a-f]{64}$/)
    }
  })

  test('metrics are exposed in Prometheus format to a read token', async () => {
    await ctx.app.inject({ method: 'GET', url: '/health' })
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: ctx.auth('read') })
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /orgwarden_http_request_duration_seconds_bucket\{[^}]*route="\/health"/)
    assert.match(res.body, /orgwarden_queue_jobs\{queue="accounts",state="waiting"\} 0/)
  })
})
