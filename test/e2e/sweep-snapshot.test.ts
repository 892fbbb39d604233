import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'

const DEMO = { source: { type: 'snapshot', name: 'demo-org' } }

async function sweep(ctx: TestContext, payload: Record<string, unknown>) {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/sweeps', headers: ctx.auth(), payload })
  assert.equal(res.statusCode, 202, res.body)
  return waitForSweep(ctx, res.json().id)
}

/** The open findings as "rule fingerprint", with the sweep that last saw each. */
async function openFindings(ctx: TestContext) {
  const rows = await ctx.store.handle.db
    .selectFrom('findings')
    .select(['fingerprint', 'rule_id', 'last_seen_sweep'])
    .where('status', '=', 'open')
    .execute()
  return rows.map((r) => ({ key: `${r.rule_id} ${r.fingerprint}`, seenBy: r.last_seen_sweep }))
}

describe('GET /v1/sweeps/:id/snapshot', () => {
  let dir: string
  let ctx: TestContext
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ow-export-'))
    ctx = await createTestContext({ sources: createSourceResolver({ snapshotDir: dir }) })
  })
  after(async () => {
    await ctx.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('exports a sweep that replays offline to the same findings and outcomes', async () => {
    const first = await sweep(ctx, DEMO)
    assert.equal(first.status, 'completed')
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/v1/sweeps/${first.id}/snapshot`,
      headers: ctx.auth('read'),
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.match(String(res.headers['content-disposition']), /attachment; filename="orgwarden-sweep-/)
    const exported = res.json()
    assert.equal(exported.format, 'orgwarden.snapshot/v1')
    // The demo's sandbox has no audit role: the export keeps it unreachable, with the reason.
    const sandbox = Object.entries(exported.accounts).find(([, v]) =>
      JSON.stringify(v).includes('OrgwardenAudit'),
    )
    assert.ok(sandbox, 'the unreachable account is exported with its reason')

    const opened = (await openFindings(ctx)).map((f) => f.key).sort()
    await writeFile(path.join(dir, 'replayed.json'), res.body)
    const second = await sweep(ctx, { source: { type: 'snapshot', name: 'replayed' } })
    assert.equal(second.status, 'completed')
    assert.deepEqual(second.progress, first.progress)
    // Replaying the export sees exactly the same state: every finding confirmed, none opened or resolved.
    const replayed = await openFindings(ctx)
    assert.ok(opened.length > 0)
    assert.deepEqual(replayed.map((f) => f.key).sort(), opened)
    for (const f of replayed) assert.equal(f.seenBy, second.id, f.key)
    const events = await ctx.store.handle.db
      .selectFrom('finding_events')
      .select('kind')
      .where('sweep_id', '=', second.id)
      .execute()
    assert.deepEqual(events, [])
  })

  test('an unknown sweep is 404 and the route needs a token', async () => {
    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps/00000000-0000-4000-8000-000000000000/snapshot',
      headers: ctx.auth('read'),
    })
    assert.equal(missing.statusCode, 404)
    assert.match(String(missing.headers['content-type']), /problem\+json/)
    const anonymous = await ctx.app.inject({
      method: 'GET',
      url: '/v1/sweeps/00000000-0000-4000-8000-000000000000/snapshot',
    })
    assert.equal(anonymous.statusCode, 401)
  })
})
