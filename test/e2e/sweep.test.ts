import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, STORE_KINDS, type TestContext, waitForSweep } from '../helpers/context.js'

const DEMO = { source: { type: 'snapshot', name: 'demo-org' } }

for (const kind of STORE_KINDS) {
  describe(`a sweep of the demo organization on ${kind}`, () => {
    let ctx: TestContext
    before(async () => {
      ctx = await createTestContext({ store: kind })
    })
    after(() => ctx.close())

    test('POST starts it (202 + Location) and it completes with every reachable account collected', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: ctx.auth(),
        payload: DEMO,
      })
      assert.equal(res.statusCode, 202, res.body)
      const created = res.json()
      assert.equal(res.headers.location, `/v1/sweeps/${created.id}`)
      assert.equal(created.status, 'queued')
      assert.equal(created.requestedBy, 'test-write')

      const sweep = await waitForSweep(ctx, created.id)
      assert.equal(sweep.status, 'completed')
      assert.equal(sweep.organizationId, 'o-acme4k2p9x')
      // 8 active accounts (the suspended one is out of scope); sandbox has no audit role.
      assert.deepEqual(sweep.progress, {
        total: 8,
        done: 8,
        failed: 1,
        byStatus: { pending: 0, running: 0, collected: 7, unreachable: 1, failed: 0, cancelled: 0 },
      })
      assert.equal(sweep.problems.length, 1)
      assert.equal(sweep.problems[0].accountName, 'sandbox')
      assert.match(sweep.problems[0].reason, /OrgwardenAudit/)
      assert.ok(sweep.timings.durationMs >= 0)
      assert.ok(Date.parse(sweep.timings.orgReadAt) >= Date.parse(sweep.timings.startedAt))

      const snapshots = await ctx.store.handle.db
        .selectFrom('account_snapshots')
        .select(['account_id', 'state'])
        .where('sweep_id', '=', created.id)
        .execute()
      assert.equal(snapshots.length, 7)
      for (const s of snapshots) assert.equal(JSON.parse(s.state).accountId, s.account_id)
      const org = await ctx.store.handle.db
        .selectFrom('org_snapshots')
        .selectAll()
        .where('sweep_id', '=', created.id)
        .executeTakeFirstOrThrow()
      assert.equal((org.snapshot as { accounts: unknown[] }).accounts.length, 9)
    })

    test('per-account outcomes page by account id with reasons', async () => {
      const list = await ctx.app.inject({
        method: 'GET',
        url: '/v1/sweeps?limit=1',
        headers: ctx.auth('read'),
      })
      const id = list.json().items[0].id
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const url: string = `/v1/sweeps/${id}/accounts?limit=3${cursor ? `&cursor=${cursor}` : ''}`
        const page = (await ctx.app.inject({ method: 'GET', url, headers: ctx.auth('read') })).json()
        seen.push(...page.items.map((a: { accountId: string }) => a.accountId))
        cursor = page.nextCursor
      } while (cursor)
      assert.equal(seen.length, 8)
      assert.deepEqual([...seen].sort(), seen)
      const unreachable = (
        await ctx.app.inject({
          method: 'GET',
          url: `/v1/sweeps/${id}/accounts?status=unreachable`,
          headers: ctx.auth('read'),
        })
      ).json()
      assert.equal(unreachable.items.length, 1)
      assert.ok(unreachable.items[0].reason)
    })

    test('a scope of one OU sweeps only the accounts below it', async () => {
      const org = await ctx.store.handle.db
        .selectFrom('org_snapshots')
        .select('snapshot')
        .limit(1)
        .executeTakeFirstOrThrow()
      const snapshot = org.snapshot as { organizationalUnits: Array<{ id: string; name: string }> }
      const workloads = snapshot.organizationalUnits.find((o) => o.name === 'Workloads')!
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: ctx.auth(),
        payload: { ...DEMO, scope: { organizationalUnitIds: [workloads.id] } },
      })
      const sweep = await waitForSweep(ctx, res.json().id)
      assert.equal(sweep.status, 'completed')
      // Workloads holds Prod (payments-prod, ledger-prod) and NonProd (payments-dev, sandbox).
      assert.equal(sweep.progress.total, 4)
    })

    test('a scope naming an OU that is not in the organization fails the sweep with the id', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: ctx.auth(),
        payload: { ...DEMO, scope: { organizationalUnitIds: ['ou-zzzz-zzzzzzzz'] } },
      })
      const sweep = await waitForSweep(ctx, res.json().id)
      assert.equal(sweep.status, 'failed')
      assert.match(sweep.error, /ou-zzzz-zzzzzzzz/)
      assert.equal(sweep.progress.total, 0)
    })

    test('the same Idempotency-Key returns the same sweep', async () => {
      const headers = { ...ctx.auth(), 'idempotency-key': `key-${kind}` }
      const a = await ctx.app.inject({ method: 'POST', url: '/v1/sweeps', headers, payload: DEMO })
      const b = await ctx.app.inject({ method: 'POST', url: '/v1/sweeps', headers, payload: DEMO })
      assert.equal(a.json().id, b.json().id)
      assert.equal(b.headers['idempotent-replayed'], 'true')
      await waitForSweep(ctx, a.json().id)
    })

    test('cancelling a finished sweep is a 409', async () => {
      const list = (
        await ctx.app.inject({ method: 'GET', url: '/v1/sweeps?status=completed', headers: ctx.auth('read') })
      ).json()
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/sweeps/${list.items[0].id}/cancel`,
        headers: ctx.auth(),
      })
      assert.equal(res.statusCode, 409)
    })
  })
}
