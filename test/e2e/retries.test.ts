import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AccountState } from '../../src/org/account-state.js'
import { createSourceResolver, type SourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'
import { writeSyntheticSnapshot } from '../helpers/synthetic-snapshot.js'
import { wrappedSources } from '../helpers/wrapped-sources.js'

const FLAKY = '304518762931' // log-archive: throttled twice, then answers
const BROKEN = '304518762942' // audit: fails every attempt

/** The real snapshot source, with AWS-like transient failures injected at the source boundary. */
function flakyResolver(): { resolver: SourceResolver; calls: Map<string, number> } {
  const calls = new Map<string, number>()
  return {
    calls,
    resolver: wrappedSources((source) => ({
      async collectAccount(accountId, ctx): Promise<AccountState> {
        const n = (calls.get(accountId) ?? 0) + 1
        calls.set(accountId, n)
        if (accountId === FLAKY && n <= 2) throw new Error('ThrottlingException: Rate exceeded')
        if (accountId === BROKEN) throw new Error('ServiceUnavailable: IAM is not answering')
        return source.collectAccount(accountId, ctx)
      },
    })),
  }
}

describe('account jobs that fail', () => {
  let ctx: TestContext
  const flaky = flakyResolver()
  before(async () => {
    ctx = await createTestContext({ sources: flaky.resolver, accountAttempts: 3 })
  })
  after(() => ctx.close())

  test('a transient failure retries with backoff; one that never succeeds is failed with its reason; the sweep completes', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    const sweep = await waitForSweep(ctx, res.json().id)
    assert.equal(sweep.status, 'completed')
    assert.equal(sweep.progress.byStatus.collected, 6)
    assert.equal(sweep.progress.byStatus.failed, 1)
    assert.equal(sweep.progress.byStatus.unreachable, 1)

    const accounts = (
      await ctx.app.inject({
        method: 'GET',
        url: `/v1/sweeps/${sweep.id}/accounts?limit=50`,
        headers: ctx.auth('read'),
      })
    ).json().items as Array<{ accountId: string; status: string; attempts: number; reason: string | null }>
    const flakyRow = accounts.find((a) => a.accountId === FLAKY)!
    assert.equal(flakyRow.status, 'collected')
    assert.equal(flakyRow.attempts, 3)
    const broken = accounts.find((a) => a.accountId === BROKEN)!
    assert.equal(broken.status, 'failed')
    assert.equal(broken.attempts, 3)
    assert.match(broken.reason!, /IAM is not answering/)
    assert.equal(flaky.calls.get(BROKEN), 3, 'no attempt beyond the configured three')
  })
})

describe('cancelling a running sweep', () => {
  let ctx: TestContext
  before(async () => {
    const { dir } = await writeSyntheticSnapshot(30, 'cancel-org')
    ctx = await createTestContext({
      sources: createSourceResolver({ snapshotDir: dir, snapshotLatencyMs: 100 }),
    })
  })
  after(() => ctx.close())

  test('stops collecting, keeps what was collected, and ends cancelled', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'cancel-org' } },
    })
    const id = res.json().id
    for (;;) {
      const s = (
        await ctx.app.inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: ctx.auth('read') })
      ).json()
      if (s.progress.byStatus.collected >= 3) break
      await new Promise((r) => setTimeout(r, 20))
    }
    const cancel = await ctx.app.inject({
      method: 'POST',
      url: `/v1/sweeps/${id}/cancel`,
      headers: ctx.auth(),
    })
    assert.equal(cancel.statusCode, 202)
    assert.equal(cancel.json().cancelRequested, true)
    const sweep = await waitForSweep(ctx, id)
    assert.equal(sweep.status, 'cancelled')
    assert.ok(sweep.progress.byStatus.cancelled > 0)
    assert.ok(sweep.progress.byStatus.collected >= 3)
    assert.equal(sweep.progress.done, sweep.progress.total)
    const snapshots = await ctx.store.handle.db
      .selectFrom('account_snapshots')
      .select('account_id')
      .where('sweep_id', '=', id)
      .execute()
    assert.equal(snapshots.length, sweep.progress.byStatus.collected)
  })
})
