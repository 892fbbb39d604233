import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext } from '../helpers/context.js'

/** Bad input gets a 4xx problem naming the field, and nothing is written. */
describe('sweeps API: bad input', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ workers: false })
  })
  after(() => ctx.close())

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { ...ctx.auth('write'), ...headers },
      payload: payload as object,
    })

  const cases: Array<[string, unknown, number, string]> = [
    [
      'an unknown top-level field',
      { source: { type: 'snapshot', name: 'demo-org' }, scop: {} },
      400,
      'body.scop',
    ],
    [
      'an unknown scope field',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: { ous: [] } },
      400,
      'body.scope.ous',
    ],
    [
      'a bad account id',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: { accountIds: ['12345'] } },
      400,
      'body.scope.accountIds[0]',
    ],
    [
      'a bad OU id',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: { organizationalUnitIds: ['ou-x'] } },
      400,
      'body.scope.organizationalUnitIds[0]',
    ],
    [
      'duplicate account ids',
      {
        source: { type: 'snapshot', name: 'demo-org' },
        scope: { accountIds: ['111111111111', '111111111111'] },
      },
      400,
      'body.scope.accountIds',
    ],
    [
      'all combined with ids',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: { all: true, accountIds: ['111111111111'] } },
      400,
      'body.scope.all',
    ],
    [
      'an empty explicit scope',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: { all: false } },
      400,
      'body.scope',
    ],
    ['an unknown source type', { source: { type: 'gcp' } }, 400, 'body.source.type'],
    ['a snapshot without a name', { source: { type: 'snapshot' } }, 400, 'body.source.name'],
    [
      'a path in the snapshot name',
      { source: { type: 'snapshot', name: '../etc/passwd' } },
      400,
      'body.source.name',
    ],
    [
      'a snapshot that does not exist',
      { source: { type: 'snapshot', name: 'no-such-org' } },
      422,
      'body.source.name',
    ],
    [
      'a wrong type for scope',
      { source: { type: 'snapshot', name: 'demo-org' }, scope: 'everything' },
      400,
      'body.scope',
    ],
  ]
  for (const [name, payload, status, field] of cases) {
    test(`${name} → ${status} naming ${field}`, async () => {
      const res = await post(payload)
      assert.equal(res.statusCode, status, res.body)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      const problem = res.json()
      assert.equal(problem.status, status)
      assert.ok(
        problem.errors?.some((e: { field: string }) => e.field === field),
        `expected ${field} in ${JSON.stringify(problem.errors)}`,
      )
    })
  }

  test('invalid JSON is a 400 problem', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { ...ctx.auth('write'), 'content-type': 'application/json' },
      payload: '{"source": ',
    })
    assert.equal(res.statusCode, 400)
    assert.match(res.headers['content-type'] as string, /problem\+json/)
  })

  test('a body over the size limit is 413', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { ...ctx.auth('write'), 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
    })
    assert.equal(res.statusCode, 413)
  })

  test('none of the refused requests wrote a sweep', async () => {
    const rows = await ctx.store.handle.db.selectFrom('sweeps').select('id').execute()
    assert.equal(rows.length, 0)
  })

  test('a malformed sweep id is 400 naming params.id; an unknown one is 404', async () => {
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps/not-a-uuid',
      headers: ctx.auth('read'),
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().errors[0].field, 'params.id')
    const missing = await ctx.app.inject({
      method: 'GET',
      url: `/v1/sweeps/${randomUUID()}`,
      headers: ctx.auth('read'),
    })
    assert.equal(missing.statusCode, 404)
    const cancel = await ctx.app.inject({
      method: 'POST',
      url: `/v1/sweeps/${randomUUID()}/cancel`,
      headers: ctx.auth('write'),
    })
    assert.equal(cancel.statusCode, 404)
  })

  test('bad list parameters are 400 naming them', async () => {
    for (const [qs, field] of [
      ['limit=0', 'querystring.limit'],
      ['limit=abc', 'querystring.limit'],
      ['status=done', 'querystring.status'],
      ['cursor=@@@', 'cursor'],
      ['colour=red', 'querystring.colour'],
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/sweeps?${qs}`, headers: ctx.auth('read') })
      assert.equal(res.statusCode, 400, `${qs}: ${res.body}`)
      assert.ok(
        res.json().errors.some((e: { field: string }) => e.field === field),
        `${qs}: ${res.body}`,
      )
    }
  })

  test('the AWS source is refused with 422 in a process where it is not configured', async () => {
    const res = await post({ source: { type: 'aws' } })
    assert.equal(res.statusCode, 422)
    assert.equal(res.json().errors[0].field, 'body.source.type')
  })

  test('an unknown route is a 404 problem for an authenticated caller', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: ctx.auth('read') })
    assert.equal(res.statusCode, 404)
    assert.match(res.headers['content-type'] as string, /problem\+json/)
  })
})
