import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext } from '../helpers/context.js'

// Every GET route behind a token, found in the served OpenAPI document, so a route added later is
// covered without editing this file. Path parameters get well-formed values that match nothing.
const SAMPLE_PARAM: Record<string, string> = {
  accountId: '123456789012',
}
const sample = (name: string) => SAMPLE_PARAM[name] ?? '00000000-0000-4000-8000-000000000000'

describe('unknown query parameters', () => {
  let ctx: TestContext
  let routes: string[]
  before(async () => {
    ctx = await createTestContext({ workers: false })
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    routes = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)
      .filter(([, ops]) => ops.get?.security?.length)
      .map(([p]) => p.replace(/\{(\w+)\}/g, (_, name: string) => sample(name)))
  })
  after(() => ctx.close())

  test('are refused with a 400 naming the parameter on every authenticated GET route', async () => {
    assert.ok(routes.length >= 10, `found ${routes.length} routes`)
    const accepted: string[] = []
    for (const url of routes) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `${url}?bogusParameter=1`,
        headers: ctx.auth('read'),
      })
      if (res.statusCode !== 400 || !res.body.includes('bogusParameter'))
        accepted.push(`${url} → ${res.statusCode}`)
    }
    assert.deepEqual(accepted, [])
  })
})
