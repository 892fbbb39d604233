import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { dispatchSweep } from '../../src/webhooks/dispatch.js'
import { enqueueSweepDispatch } from '../../src/webhooks/jobs.js'
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/webhooks/settings.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'
import { beforeAndFixed } from '../helpers/demo-variants.js'
import { type Received, startReceiver, waitFor } from './receiver.js'

const DEV = '415629873065' // payments-dev: planted "no password policy"
const WORKLOADS = 'ou-ac3e-work3m8z' // parent of Prod and NonProd
const PROD = 'ou-ac3e-prod9x2c'

describe('webhooks: events of sweeps reach the right subscriptions, once', () => {
  let ctx: TestContext
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const subs: Record<string, { id: string; secret: string }> = {}
  const at = (name: string) => receiver.received.filter((r) => r.url === `/hook/${name}`)
  const eventsAt = (name: string, type?: string) =>
    at(name)
      .map((r) => r.json)
      .filter((e) => !type || e.type === type)

  const subscribe = async (name: string, payload: Record<string, unknown>) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: ctx.auth(),
      payload: { name, url: `${receiver.url}/${name}`, ...payload },
    })
    assert.equal(res.statusCode, 201, res.body)
    subs[name] = res.json()
  }

  /** A sweep to its end, then its dispatch job to its end, then every delivery settled. */
  const sweep = async (source: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: source } },
    })
    assert.equal(res.statusCode, 202, res.body)
    const s = await waitForSweep(ctx, res.json().id)
    assert.equal(s.status, 'completed')
    await waitFor('the dispatch job', async () => {
      const job = await ctx.queues.webhooks.getJob(`dispatch-${s.id}`)
      return job && (await job.isCompleted())
    })
    await waitFor('deliveries to settle', async () => {
      const open = await ctx.store.handle.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'retrying'])
        .execute()
      return open.length === 0
    })
    return s.id as string
  }
  const eventsOf = (sweepId: string, kind: string) =>
    ctx.store.handle.db
      .selectFrom('finding_events as e')
      .innerJoin('findings as f', 'f.id', 'e.finding_id')
      .select(['e.id', 'f.severity', 'f.account_id', 'f.ou_path', 'f.rule_id'])
      .where('e.sweep_id', '=', sweepId)
      .where('e.kind', '=', kind as 'opened')
      .execute()
  const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id).sort()

  before(async () => {
    receiver = await startReceiver()
    ctx = await createTestContext({ sources: createSourceResolver({ snapshotDir: await beforeAndFixed() }) })
    await subscribe('all', { events: ['finding.opened', 'finding.resolved', 'finding.reopened'] })
    await subscribe('critical', { events: ['finding.opened'], filter: { minSeverity: 'critical' } })
    await subscribe('dev', { events: ['finding.opened'], filter: { accountIds: [DEV] } })
    await subscribe('workloads', { events: ['finding.opened'], filter: { ouIds: [WORKLOADS] } })
    await subscribe('rule', {
      events: ['finding.opened', 'finding.resolved'],
      filter: { ruleIds: ['password-policy.missing'] },
    })
    await subscribe('digest', { events: ['finding.opened', 'sweep.completed'], digest: true })
    await subscribe('suppressed', { events: ['finding.suppressed'] })
    await subscribe('disabled', { events: ['finding.opened'], enabled: false })
    await subscribe('guardrails', { events: ['guardrail.changed'], filter: { accountIds: [DEV] } })
  })
  after(async () => {
    await ctx.close()
    await receiver.close()
  })

  let first: string
  test('a first sweep: one finding.opened per new finding, filtered per subscription, signed', async () => {
    first = await sweep('before')
    const opened = await eventsOf(first, 'opened')
    assert.ok(opened.length > 5, `the demo organization opens findings (${opened.length})`)

    assert.deepEqual(
      eventsAt('all')
        .map((e) => e.id)
        .sort(),
      ids(opened),
    )
    const webhookIds = at('all').map((r) => r.headers['webhook-id'])
    assert.equal(new Set(webhookIds).size, webhookIds.length, 'one request per event')
    for (const r of at('all'))
      new Webhook(subs.all!.secret).verify(r.body, r.headers as Record<string, string>)

    const critical = opened.filter((f) => f.severity === 'critical')
    assert.ok(critical.length > 0 && critical.length < opened.length)
    assert.deepEqual(
      eventsAt('critical')
        .map((e) => e.id)
        .sort(),
      ids(critical),
    )

    const dev = opened.filter((f) => f.account_id === DEV)
    assert.ok(dev.length > 0)
    assert.deepEqual(
      eventsAt('dev')
        .map((e) => e.id)
        .sort(),
      ids(dev),
    )

    const workloads = opened.filter((f) => f.ou_path.includes(`/${WORKLOADS}/`))
    assert.deepEqual(
      eventsAt('workloads')
        .map((e) => e.id)
        .sort(),
      ids(workloads),
    )
    assert.ok(
      eventsAt('workloads').some((e) => e.data.finding.ouPath.includes(`/${PROD}/`)),
      'findings in OUs below the filtered OU are included',
    )
    assert.deepEqual(
      eventsAt('rule').map((e) => [e.type, e.data.finding.ruleId, e.data.finding.accountId]),
      [['finding.opened', 'password-policy.missing', DEV]],
    )

    const digests = at('digest')
    assert.equal(digests.length, 1, 'a digest subscription gets one request per sweep')
    const digest = digests[0]!.json
    assert.equal(digest.type, 'digest')
    assert.equal(digest.data.sweepId, first)
    assert.equal(digest.data.events.length, opened.length + 1)
    assert.equal(digest.data.events.at(-1).type, 'sweep.completed')
    assert.equal(digest.data.events.at(-1).data.changes.opened, opened.length)

    assert.equal(at('suppressed').length, 0)
    assert.equal(at('disabled').length, 0)
  })

  test('dispatching the same sweep again creates and sends nothing', async () => {
    const before = receiver.received.length
    const rows = await ctx.store.handle.db.selectFrom('webhook_deliveries').select('id').execute()
    const again = await dispatchSweep(
      {
        store: ctx.store,
        queue: ctx.queues.webhooks,
        settings: { ...DEFAULT_WEBHOOK_SETTINGS, backoffMs: 20 },
      },
      first,
    )
    assert.equal(again.deliveries, 0)
    // Through the queue too, as a re-run finalize would do once the first job is gone.
    await (await ctx.queues.webhooks.getJob(`dispatch-${first}`))?.remove()
    await enqueueSweepDispatch(ctx.queues.webhooks, first)
    await waitFor('the second dispatch job', async () => {
      const job = await ctx.queues.webhooks.getJob(`dispatch-${first}`)
      return job && (await job.isCompleted()) ? job : undefined
    })
    await new Promise((r) => setTimeout(r, 300))
    const after = await ctx.store.handle.db.selectFrom('webhook_deliveries').select('id').execute()
    assert.equal(after.length, rows.length)
    assert.equal(receiver.received.length, before)
  })

  test('an unchanged sweep sends no finding events', async () => {
    const before = new Map(Object.keys(subs).map((n) => [n, at(n).length]))
    const id = await sweep('before')
    for (const name of ['all', 'critical', 'dev', 'workloads', 'rule', 'suppressed'])
      assert.equal(at(name).length, before.get(name), name)
    const digest = at('digest').at(-1)!.json
    assert.equal(digest.data.sweepId, id)
    assert.deepEqual(
      digest.data.events.map((e: { type: string }) => e.type),
      ['sweep.completed'],
    )
  })

  test('a fix resolves the finding: one finding.resolved, to the subscriptions that asked', async () => {
    const id = await sweep('fixed')
    const resolved = await eventsOf(id, 'resolved')
    assert.ok(resolved.length >= 1)
    assert.deepEqual(
      eventsAt('all', 'finding.resolved')
        .map((e) => e.id)
        .sort(),
      ids(resolved),
    )
    const rule = eventsAt('rule', 'finding.resolved')
    assert.equal(rule.length, 1)
    assert.equal(rule[0].data.finding.ruleId, 'password-policy.missing')
    assert.equal(rule[0].data.finding.status, 'resolved')
    assert.equal(eventsAt('critical').filter((e) => e.type !== 'finding.opened').length, 0)
  })

  test('a guardrail verdict that differs from the previous sweep is a guardrail.changed event', async () => {
    const id = await sweep('before')
    assert.equal(at('guardrails').length, 0, 'unchanged verdicts send nothing')
    // Flip one of payments-dev's verdicts and one of another account's, as a changed SCP would.
    const db = ctx.store.handle.db
    const flip = async (accountId: string, not: boolean) => {
      const row = await db
        .selectFrom('guardrail_results')
        .selectAll()
        .where('sweep_id', '=', id)
        .where('account_id', not ? '<>' : '=', accountId)
        .where('verdict', 'in', ['enforced', 'not-enforced'])
        .orderBy('guardrail_id')
        .executeTakeFirstOrThrow()
      const verdict = row.verdict === 'enforced' ? 'not-enforced' : 'enforced'
      await db
        .updateTable('guardrail_results')
        .set({ verdict })
        .where('sweep_id', '=', id)
        .where('account_id', '=', row.account_id)
        .where('guardrail_id', '=', row.guardrail_id)
        .execute()
      return { ...row, verdict, previous: row.verdict }
    }
    const dev = await flip(DEV, false)
    await flip(DEV, true)
    const out = await dispatchSweep(
      {
        store: ctx.store,
        queue: ctx.queues.webhooks,
        settings: { ...DEFAULT_WEBHOOK_SETTINGS, backoffMs: 20 },
      },
      id,
    )
    assert.equal(out.deliveries, 1, 'one new delivery: the account filter keeps the other change out')
    const got = await waitFor('guardrail.changed', () =>
      at('guardrails').length ? at('guardrails') : undefined,
    )
    assert.equal(got.length, 1)
    assert.equal(got[0]!.json.type, 'guardrail.changed')
    assert.deepEqual(
      [
        got[0]!.json.data.accountId,
        got[0]!.json.data.guardrailId,
        got[0]!.json.data.previousVerdict,
        got[0]!.json.data.verdict,
      ],
      [DEV, dev.guardrail_id, dev.previous, dev.verdict],
    )
  })

  test('a sweep that fails sends sweep.failed with its error', async () => {
    await subscribe('ends', { events: ['sweep.completed', 'sweep.failed'] })
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'before' }, scope: { accountIds: ['999999999999'] } },
    })
    assert.equal(res.statusCode, 202, res.body)
    const s = await waitForSweep(ctx, res.json().id)
    assert.equal(s.status, 'failed')
    const got = await waitFor('sweep.failed', () => (at('ends').length ? at('ends') : undefined))
    assert.equal(got.length, 1)
    assert.equal(got[0]!.json.type, 'sweep.failed')
    assert.equal(got[0]!.json.data.sweep.id, s.id)
    assert.match(got[0]!.json.data.sweep.error, /999999999999/)
  })

  test('a suppression through the API sends finding.suppressed with its reason', async () => {
    const finding = (
      await ctx.app.inject({
        method: 'GET',
        url: `/v1/findings?status=open&accountId=${DEV}`,
        headers: ctx.auth('read'),
      })
    ).json().items[0]
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/v1/findings/${finding.id}/suppress`,
      headers: ctx.auth(),
      payload: { reason: 'accepted risk, ticket SEC-1' },
    })
    assert.equal(res.statusCode, 200, res.body)
    const got = (await waitFor('finding.suppressed', () =>
      at('suppressed').length ? at('suppressed') : undefined,
    )) as Received[]
    assert.equal(got.length, 1)
    assert.equal(got[0]!.json.type, 'finding.suppressed')
    assert.equal(got[0]!.json.data.finding.id, finding.id)
    assert.equal(got[0]!.json.data.reason, 'accepted risk, ticket SEC-1')
  })
})
