/**
 * Accounts collected while the organization is still being read: a whole-organization sweep
 * starts each account as the read finds it, keeps its state until the SCPs are stored, then
 * judges it. The source here hands every account over and finishes its read only once every
 * reachable account has been collected and kept, so each one takes that path.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { buildOrgTree } from '../../src/org/tree.js'
import type { SourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, runSweep, type TestContext } from '../helpers/context.js'
import { waitFor } from '../helpers/wait.js'
import { wrappedSources } from '../helpers/wrapped-sources.js'

interface Streaming {
  resolver: SourceResolver
  /** Whether the next reads hand accounts over early. */
  stream: boolean
  collected: Map<string, number>
  /** The sweep being collected (the read and the account jobs resolve sources of their own). */
  sweepId: string
  /** Accounts that were kept, waiting, when the read finished. */
  keptBeforeRead: number
}

function streamingResolver(getCtx: () => TestContext): Streaming {
  const state: Streaming = {
    stream: true,
    collected: new Map(),
    sweepId: '',
    keptBeforeRead: 0,
    resolver: wrappedSources((source) => ({
      async readOrganization(signal, onAccounts) {
        const org = await source.readOrganization(signal)
        if (!state.stream || !onAccounts) return org
        const tree = buildOrgTree(org)
        await onAccounts(
          org.accounts.map((a) => ({
            id: a.id,
            name: a.name,
            status: a.status,
            ouPath: tree.orgPath(a.id),
          })),
        )
        // Finish the read only once every reachable ACTIVE account is collected and kept.
        const active = org.accounts.filter((a) => a.status === 'ACTIVE').map((a) => a.id)
        await waitFor(
          'every reachable account kept',
          async () => {
            const { sweepId } = state
            if (!sweepId) return undefined
            const kept = await Promise.all(
              active.map((id) => getCtx().store.sweeps.deferredAccount(sweepId, id)),
            )
            state.keptBeforeRead = kept.filter(Boolean).length
            // One account of the demo organization has no audit role.
            return kept.filter(Boolean).length === active.length - 1 || undefined
          },
          20_000,
        )
        return org
      },
      async collectAccount(accountId, ctx) {
        state.sweepId = ctx.sweepId
        const key = `${ctx.sweepId}/${accountId}`
        state.collected.set(key, (state.collected.get(key) ?? 0) + 1)
        return source.collectAccount(accountId, ctx)
      },
    })),
  }
  return state
}

describe('accounts collected while the organization is read', () => {
  let ctx: TestContext
  const streaming = streamingResolver(() => ctx)
  before(async () => {
    ctx = await createTestContext({ sources: streaming.resolver })
  })
  after(() => ctx.close())

  const sweep = () => runSweep(ctx, { type: 'snapshot', name: 'demo-org' })
  const rows = (sweepId: string) =>
    ctx.store.handle.db
      .selectFrom('sweep_accounts')
      .select(['account_id', 'status', 'attempts'])
      .where('sweep_id', '=', sweepId)
      .orderBy('account_id')
      .execute()
  const verdicts = async (sweepId: string) =>
    (
      await ctx.store.handle.db
        .selectFrom('guardrail_results')
        .select(['account_id', 'guardrail_id', 'verdict'])
        .where('sweep_id', '=', sweepId)
        .orderBy('account_id')
        .orderBy('guardrail_id')
        .execute()
    ).map((r) => `${r.account_id} ${r.guardrail_id} ${r.verdict}`)

  test('they are judged once the SCPs are stored, exactly as a sweep that collects after the read', async () => {
    const early = await sweep()
    assert.equal(early.status, 'completed')
    assert.equal(streaming.keptBeforeRead, 7, 'every reachable account waited for the organization')
    streaming.stream = false
    const late = await sweep()
    assert.equal(late.status, 'completed')

    // Same outcomes, each account collected once and claimed once.
    const earlyRows = await rows(early.id)
    assert.deepEqual(
      earlyRows.map((r) => [r.account_id, r.status]),
      (await rows(late.id)).map((r) => [r.account_id, r.status]),
    )
    assert.equal(earlyRows.filter((r) => r.status === 'unreachable').length, 1)
    for (const r of earlyRows) {
      assert.equal(r.attempts, 1, r.account_id)
      assert.equal(streaming.collected.get(`${early.id}/${r.account_id}`), 1, r.account_id)
    }
    // The same guardrail verdicts, for every account, the unreachable one included.
    const earlyVerdicts = await verdicts(early.id)
    assert.ok(earlyVerdicts.length >= earlyRows.length)
    assert.deepEqual(earlyVerdicts, await verdicts(late.id))
    // And findings: the later sweep confirms what the early one opened, and opens nothing new.
    const opened = await ctx.store.handle.db
      .selectFrom('finding_events')
      .select(({ fn }) => ['sweep_id', fn.countAll<number>().as('n')])
      .where('sweep_id', 'in', [early.id, late.id])
      .where('kind', '=', 'opened')
      .groupBy('sweep_id')
      .execute()
    assert.ok(Number(opened.find((r) => r.sweep_id === early.id)?.n) > 0)
    assert.equal(
      opened.find((r) => r.sweep_id === late.id),
      undefined,
    )
  })
})
