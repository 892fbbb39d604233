import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { createTestContext, STORE_KINDS, type TestContext, waitForSweep } from '../helpers/context.js'

// Issue 6's lifecycle: a suppression with an expiry holds while it lasts, and the first sweep
// after it expired opens the finding again, with one `reopened` event (findings-lifecycle.ts).
// The clock is moved by backdating the stored expiry between sweeps, as time passing would.

const DEV = '415629873065' // payments-dev: planted "no password policy"

for (const kind of STORE_KINDS) {
  describe(`a suppression that expires between sweeps on ${kind}`, () => {
    let ctx: TestContext
    const sweepIds: string[] = []

    const sweep = async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: ctx.auth(),
        payload: { source: { type: 'snapshot', name: 'demo-org' }, scope: { accountIds: [DEV] } },
      })
      assert.equal(res.statusCode, 202, res.body)
      const s = await waitForSweep(ctx, res.json().id)
      assert.equal(s.status, 'completed')
      sweepIds.push(s.id)
      return s.id as string
    }
    const finding = async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/findings?accountId=${DEV}&ruleId=password-policy.missing`,
        headers: ctx.auth('read'),
      })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.json().items.length, 1)
      return res.json().items[0]
    }
    const events = async (id: string) =>
      (
        await ctx.store.handle.db
          .selectFrom('finding_events')
          .select(['kind', 'sweep_id'])
          .where('finding_id', '=', id)
          .orderBy('created_at')
          .execute()
      ).map((e) => [e.kind, e.sweep_id])

    before(async () => {
      ctx = await createTestContext({ store: kind })
    })
    after(() => ctx.close())

    test('suppressed until its expiry, open again at the next sweep after it, with one event', async () => {
      const first = await sweep()
      const opened = await finding()
      assert.equal(opened.status, 'open')

      const until = new Date(Date.now() + 3_600_000).toISOString()
      const suppressed = await ctx.app.inject({
        method: 'POST',
        url: `/v1/findings/${opened.id}/suppress`,
        headers: ctx.auth(),
        payload: { reason: 'password policy arrives with the IdP migration', until },
      })
      assert.equal(suppressed.statusCode, 200, suppressed.body)
      assert.deepEqual(suppressed.json().suppression, {
        reason: 'password policy arrives with the IdP migration',
        by: 'test-write',
        until,
      })

      // Not expired yet: the next sweep sees the finding again and keeps it suppressed.
      const second = await sweep()
      const kept = await finding()
      assert.equal(kept.status, 'suppressed')
      assert.equal(kept.lastSeenSweep, second)
      assert.deepEqual(await events(opened.id), [
        ['opened', first],
        ['suppressed', null],
      ])

      // The expiry passes before the third sweep.
      await sql`UPDATE findings SET suppressed_until = now() - interval '1 minute' WHERE id = ${opened.id}`.execute(
        ctx.store.handle.db,
      )
      const third = await sweep()
      const back = await finding()
      assert.equal(back.id, opened.id)
      assert.equal(back.status, 'open')
      assert.equal(back.suppression, null)
      assert.equal(back.firstSeenAt, opened.firstSeenAt)
      assert.deepEqual(await events(opened.id), [
        ['opened', first],
        ['suppressed', null],
        ['reopened', third],
      ])

      // Once open again, later sweeps record nothing more for it.
      await sweep()
      assert.equal((await finding()).status, 'open')
      assert.equal((await events(opened.id)).length, 3)
    })

    test('a suppression without an expiry outlives sweeps', async () => {
      const f = await finding()
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/findings/${f.id}/suppress`,
        headers: ctx.auth(),
        payload: { reason: 'accepted risk, reviewed yearly' },
      })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.json().suppression.until, null)
      const before = (await events(f.id)).length
      await sweep()
      assert.equal((await finding()).status, 'suppressed')
      assert.equal((await events(f.id)).length, before)
    })
  })
}
