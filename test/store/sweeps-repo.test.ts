import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'
import { EMPTY_ORG } from '../helpers/empty-org.js'

const org = EMPTY_ORG
const scope = { all: true, organizationalUnitIds: [], accountIds: [] }
const plan = (ids: string[]) =>
  ids.map((id) => ({ accountId: id, accountName: `acct-${id}`, ouPath: 'o-abc123defg/r-ab12/' }))

for (const kind of STORE_KINDS) {
  describe(`sweeps repository on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    before(async () => {
      ;({ store, close } = await openTestStore(kind))
    })
    after(() => close())

    async function newSweep(idempotencyKey?: string) {
      return (
        await store.sweeps.create({
          id: randomUUID(),
          sourceKind: 'snapshot',
          sourceName: 'x',
          scope,
          requestedBy: 't',
          idempotencyKey,
        })
      ).sweep
    }

    test('an idempotency key returns the first sweep instead of a second one', async () => {
      const a = await store.sweeps.create({
        id: randomUUID(),
        sourceKind: 'snapshot',
        sourceName: 'x',
        scope,
        requestedBy: 't',
        idempotencyKey: 'k1',
      })
      const b = await store.sweeps.create({
        id: randomUUID(),
        sourceKind: 'snapshot',
        sourceName: 'x',
        scope,
        requestedBy: 't',
        idempotencyKey: 'k1',
      })
      assert.equal(a.created, true)
      assert.equal(b.created, false)
      assert.equal(b.sweep.id, a.sweep.id)
    })

    test('recording the plan twice keeps the first plan', async () => {
      const s = await newSweep()
      await store.sweeps.recordPlan(s.id, org, plan(['222222222222', '333333333333']))
      await store.sweeps.recordPlan(s.id, org, plan(['444444444444']))
      assert.deepEqual(await store.sweeps.plannedAccountIds(s.id), ['222222222222', '333333333333'])
      assert.equal((await store.sweeps.get(s.id))!.total, 2)
    })

    test('an account with an outcome is not claimed again, and its state is written once', async () => {
      const s = await newSweep()
      await store.sweeps.recordPlan(s.id, org, plan(['222222222222']))
      const first = await store.sweeps.startAccount(s.id, '222222222222')
      assert.equal(first?.attempts, 1)
      const retry = await store.sweeps.startAccount(s.id, '222222222222')
      assert.equal(retry?.attempts, 2, 'a crashed attempt can be retried')
      await store.sweeps.completeAccount(
        s.id,
        '222222222222',
        { accountId: '222222222222' },
        { durationMs: 1 },
      )
      assert.equal(await store.sweeps.startAccount(s.id, '222222222222'), undefined)
      const snap = await store.sweeps.accountSnapshot(s.id, '222222222222')
      assert.deepEqual(snap?.state, { accountId: '222222222222' })
    })

    test('finishing freezes counts, marks lost accounts failed, and is idempotent', async () => {
      const s = await newSweep()
      await store.sweeps.markRunning(s.id)
      await store.sweeps.recordPlan(s.id, org, plan(['222222222222', '333333333333', '444444444444']))
      await store.sweeps.startAccount(s.id, '222222222222')
      await store.sweeps.completeAccount(s.id, '222222222222', {}, {})
      await store.sweeps.finishAccount(s.id, '333333333333', 'unreachable', 'role missing')
      const done = await store.sweeps.finish(s.id)
      assert.equal(done?.status, 'completed')
      assert.deepEqual([done?.total, done?.collected, done?.unreachable, done?.failed], [3, 1, 1, 1])
      const lost = await store.sweeps.accounts(s.id, { limit: 10, status: 'failed' })
      assert.equal(lost[0]?.account_id, '444444444444')
      assert.match(lost[0]?.reason ?? '', /ended without a result/)
      const again = await store.sweeps.finish(s.id, { error: 'late' })
      assert.equal(again?.status, 'completed', 'a finished sweep keeps its outcome')
    })

    test('a cancelled sweep ends cancelled and its pending accounts are cancelled', async () => {
      const s = await newSweep()
      await store.sweeps.markRunning(s.id)
      await store.sweeps.recordPlan(s.id, org, plan(['222222222222']))
      await store.sweeps.requestCancel(s.id)
      const done = await store.sweeps.finish(s.id)
      assert.equal(done?.status, 'cancelled')
      assert.equal(done?.cancelled, 1)
    })

    test('listing is newest first and pages with a cursor without repeats', async () => {
      const ids = new Set<string>()
      for (let i = 0; i < 5; i++) ids.add((await newSweep()).id)
      const seen: string[] = []
      let after: { createdAt: Date; id: string } | undefined
      for (;;) {
        const page = await store.sweeps.list({ limit: 2, after })
        if (page.length === 0) break
        seen.push(...page.map((r) => r.id))
        const last = page.at(-1)!
        after = { createdAt: last.created_at, id: last.id }
      }
      assert.equal(new Set(seen).size, seen.length)
      for (const id of ids) assert.ok(seen.includes(id))
    })

    test('a cursor page never skips sweeps created within the same millisecond', async () => {
      // PostgreSQL keeps microseconds; a cursor holds a JavaScript Date (milliseconds).
      const ids: string[] = []
      for (let i = 0; i < 4; i++) ids.push((await newSweep()).id)
      for (const [i, id] of ids.entries()) {
        const at = `2001-02-03T04:05:06.007${String(100 + i * 200).padStart(3, '0')}Z`
        await sql`UPDATE sweeps SET created_at = ${at}::timestamptz WHERE id = ${id}::uuid`.execute(
          store.handle.db,
        )
      }
      const seen: string[] = []
      let after: { createdAt: Date; id: string } | undefined
      for (;;) {
        const page = await store.sweeps.list({ limit: 1, after })
        if (page.length === 0) break
        seen.push(...page.map((r) => r.id))
        after = { createdAt: page[0]!.created_at, id: page[0]!.id }
      }
      for (const id of ids) assert.ok(seen.includes(id), `sweep ${id} was skipped by the cursor`)
    })
  })
}
