import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'

const ACCOUNT = '111122223333'

for (const kind of STORE_KINDS) {
  describe(`webhooks repo (${kind})`, () => {
    let store: Store
    let close: () => Promise<void>
    let webhookId: string
    before(async () => {
      ;({ store, close } = await openTestStore(kind))
      webhookId = randomUUID()
      await store.webhooks.create(
        webhookId,
        {
          name: 'w',
          url: 'https://example.com/h',
          format: 'generic',
          events: ['finding.opened'],
          filter: {},
          options: {},
          digest: false,
          enabled: true,
          maxConcurrency: 4,
          headers: { Authorization: 'Bearer x' },
        },
        'whsec_c2VjcmV0',
        'test',
      )
    })
    after(() => close())

    const sweep = async (verdicts: Record<string, 'enforced' | 'not-enforced'>) => {
      const id = randomUUID()
      await store.sweeps.create({
        id,
        sourceKind: 'snapshot',
        sourceName: 'demo',
        scope: { organizationalUnitIds: [], accountIds: [] } as never,
        requestedBy: 'test',
      })
      await store.handle.db
        .insertInto('guardrail_results')
        .values(
          Object.entries(verdicts).map(([guardrail_id, verdict]) => ({
            sweep_id: id,
            account_id: ACCOUNT,
            guardrail_id,
            verdict,
            evidence: '{}',
          })),
        )
        .execute()
      // Distinct creation times: "previous" is by creation order.
      await new Promise((r) => setTimeout(r, 5))
      return id
    }

    test('guardrail changes compare each verdict with the latest earlier sweep that judged it', async () => {
      const s1 = await sweep({ 'region-deny': 'enforced', 'root-deny': 'not-enforced' })
      assert.deepEqual(await store.webhooks.guardrailChanges(s1), [], 'a first sweep has nothing to compare')
      const s2 = await sweep({ 'region-deny': 'not-enforced', 'root-deny': 'not-enforced' })
      const changes = await store.webhooks.guardrailChanges(s2)
      assert.deepEqual(
        changes.map((c) => [c.guardrail_id, c.previous, c.verdict, c.previous_sweep_id]),
        [['region-deny', 'enforced', 'not-enforced', s1]],
      )
      const s3 = await sweep({ 'region-deny': 'not-enforced', 'root-deny': 'enforced' })
      assert.deepEqual(
        (await store.webhooks.guardrailChanges(s3)).map((c) => [c.guardrail_id, c.previous, c.verdict]),
        [['root-deny', 'not-enforced', 'enforced']],
      )
    })

    test('deliveries are unique per (webhook, event key): a second insert returns nothing new', async () => {
      const rows = Array.from({ length: 3 }, (_, i) => ({
        id: randomUUID(),
        webhookId,
        eventKey: `event-${i}`,
        eventType: 'finding.opened',
        sweepId: null,
        payload: { id: `e${i}` },
      }))
      const first = await store.webhooks.insertDeliveries(rows)
      assert.deepEqual(first.sort(), rows.map((r) => r.id).sort())
      const again = await store.webhooks.insertDeliveries(
        [...rows, { ...rows[0]!, eventKey: 'event-3' }].map((r) => ({ ...r, id: randomUUID() })),
      )
      assert.equal(again.length, 1, 'only event-3 is new')
    })

    test('deliveries page newest first without gaps; attempts are counted', async () => {
      const all = await store.webhooks.listDeliveries(webhookId, { limit: 100 })
      const seen: string[] = []
      let after: { createdAt: Date; id: string } | undefined
      for (;;) {
        const page = await store.webhooks.listDeliveries(webhookId, { limit: 2, after })
        seen.push(...page.map((d) => d.id))
        if (page.length < 2) break
        after = { createdAt: page.at(-1)!.created_at, id: page.at(-1)!.id }
      }
      assert.deepEqual(
        seen,
        all.map((d) => d.id),
      )
      assert.equal(all.length, 4)

      const d = all[0]!
      await store.webhooks.recordAttempt(d.id, {
        status: 'retrying',
        responseCode: 500,
        latencyMs: 12,
        error: 'the receiver answered 500',
        nextAttemptAt: new Date(Date.now() + 1000),
      })
      await store.webhooks.recordAttempt(d.id, {
        status: 'succeeded',
        responseCode: 204,
        latencyMs: 8,
        error: null,
        nextAttemptAt: null,
      })
      const done = await store.webhooks.getDelivery(d.id)
      assert.equal(done?.attempts, 2)
      assert.equal(done?.status, 'succeeded')
      assert.ok(done?.delivered_at)
      assert.equal(
        (await store.webhooks.listDeliveries(webhookId, { limit: 10, status: 'succeeded' })).length,
        1,
      )
    })

    test('deleting a webhook deletes its deliveries', async () => {
      assert.equal(await store.webhooks.delete(webhookId), true)
      assert.equal((await store.webhooks.listDeliveries(webhookId, { limit: 10 })).length, 0)
      assert.equal(await store.webhooks.delete(webhookId), false)
    })
  })
}
