import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { generateOpenapiDocument, serializeOpenapi } from '../../src/api/openapi-document.js'

test('the committed openapi/openapi.json matches the route schemas (run `npm run openapi` to refresh)', async () => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
  const generated = serializeOpenapi(await generateOpenapiDocument())
  assert.equal(committed, generated)
})

test('every /v1 operation declares a bearer security requirement and problem responses', async () => {
  const doc = (await generateOpenapiDocument()) as {
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>
  }
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1')) continue
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(op.security?.length, `${method.toUpperCase()} ${path} has no security requirement`)
      assert.ok(op.responses['401'], `${method.toUpperCase()} ${path} does not document 401`)
    }
  }
})
