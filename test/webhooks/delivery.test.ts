import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { createTestContext, type TestContext } from '../helpers/context.js'
import { type Received, startReceiver, waitFor } from './receiver.js'

/** Subscriptions through the API, pings through the real workers to a real receiver on loopback. */
describe('webhooks: API and delivery', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ webhooks: { attempts: 3, backoffMs: 30 } })
  })
  after(() => ctx.close())

  const create = async (payload: Record<string, unknown>) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth(), payload })
    assert.equal(res.statusCode, 201, res.body)
    return res.json()
  }
  const ping = async (id: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/webhooks/${id}/test`, headers: ctx.auth() })
    assert.equal(res.statusCode, 202, res.body)
    return res.json()
  }
  const delivery = async (webhookId: string, deliveryId: string) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${webhookId}/deliveries`,
      headers: ctx.auth('read'),
    })
    assert.equal(res.statusCode, 200, res.body)
    return res.json().items.find((d: { id: string }) => d.id === deliveryId)
  }
  const settled = (webhookId: string, deliveryId: string) =>
    waitFor(`delivery ${deliveryId} to settle`, async () => {
      const d = await delivery(webhookId, deliveryId)
      return d && ['succeeded', 'dead'].includes(d.status) ? d : undefined
    })

  test('a ping is signed with the secret shown once; standardwebhooks verifies it', async () => {
    const receiver = await startReceiver()
    try {
      const wh = await create({ name: 'generic', url: receiver.url, events: ['finding.opened'] })
      assert.match(wh.secret, /^whsec_[A-Za-z0-9+/=]{40,}$/)
      const got = await ctx.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${wh.id}`,
        headers: ctx.auth('read'),
      })
      assert.equal(got.json().secret, undefined, 'the secret is shown on create only')

      const d = await ping(wh.id)
      const done = await settled(wh.id, d.id)
      assert.equal(done.status, 'succeeded')
      assert.equal(done.responseCode, 200)
      assert.equal(done.attempts, 1)
      assert.ok(done.latencyMs >= 0)
      assert.equal(receiver.received.length, 1)
      const r = receiver.received[0]!
      const verified = new Webhook(wh.secret).verify(r.body, r.headers as Record<string, string>) as {
        type: string
      }
      assert.equal(verified.type, 'ping')
      assert.equal(r.headers['webhook-id'], d.id)
      // Someone else's secret does not verify.
      const other = await create({ name: 'other', url: receiver.url, events: ['finding.opened'] })
      assert.throws(() => new Webhook(other.secret).verify(r.body, r.headers as Record<string, string>))
      const tampered = r.body.replace('ping', 'pong')
      assert.throws(() => new Webhook(wh.secret).verify(tampered, r.headers as Record<string, string>))
    } finally {
      await receiver.close()
    }
  })

  test('a receiver answering 500 twice then 200 gets the event once, under one webhook-id', async () => {
    const receiver = await startReceiver((n) => (n < 2 ? 500 : 200))
    try {
      const wh = await create({ name: 'flaky', url: receiver.url, events: ['sweep.completed'] })
      const d = await ping(wh.id)
      const done = await settled(wh.id, d.id)
      assert.equal(done.status, 'succeeded')
      assert.equal(done.attempts, 3)
      assert.equal(receiver.received.length, 3)
      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']))
      assert.deepEqual([...ids], [d.id])
      const accepted = receiver.received.filter((_, i) => i >= 2)
      assert.equal(accepted.length, 1)
    } finally {
      await receiver.close()
    }
  })

  test('a dead receiver ends dead after the configured attempts; redeliver sends it again', async () => {
    let up = false
    const receiver = await startReceiver(() => (up ? 200 : 503))
    try {
      const wh = await create({ name: 'down', url: receiver.url, events: ['sweep.failed'] })
      const d = await ping(wh.id)
      const done = await settled(wh.id, d.id)
      assert.equal(done.status, 'dead')
      assert.equal(done.attempts, 3)
      assert.equal(done.responseCode, 503)
      assert.match(done.lastError, /503/)
      assert.equal(done.nextAttemptAt, null)
      assert.equal(receiver.received.length, 3)

      up = true
      const again = await ctx.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${wh.id}/deliveries/${d.id}/redeliver`,
        headers: ctx.auth(),
      })
      assert.equal(again.statusCode, 202, again.body)
      const redone = await waitFor('redelivery', async () => {
        const x = await delivery(wh.id, d.id)
        return x?.status === 'succeeded' ? x : undefined
      })
      assert.equal(redone.attempts, 4)
      assert.equal(receiver.received.at(-1)!.headers['webhook-id'], d.id)
    } finally {
      await receiver.close()
    }
  })

  test('a target resolving to a loopback or private address is refused at connect time', async () => {
    const receiver = await startReceiver()
    try {
      // localhost resolves to loopback and is not in the allow-list (only 127.0.0.1 is, in tests).
      const byName = await create({
        name: 'by name',
        url: `http://localhost:${receiver.port}/hook`,
        events: ['finding.opened'],
      })
      const literal = await create({
        name: 'literal',
        url: 'http://10.0.0.1:9/hook',
        events: ['finding.opened'],
      })
      for (const wh of [byName, literal]) {
        const d = await ping(wh.id)
        const done = await settled(wh.id, d.id)
        assert.equal(done.status, 'dead')
        assert.equal(done.attempts, 1, 'a refused target is not retried')
        assert.match(done.lastError, /not a public address/)
      }
      assert.equal(receiver.received.length, 0)
    } finally {
      await receiver.close()
    }
  })

  test('custom headers are sent but never returned by the API', async () => {
    const receiver = await startReceiver()
    try {
      const secretValue = 'Basic c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3M='
      const wh = await create({
        name: 'with auth',
        url: receiver.url,
        events: ['finding.opened'],
        headers: { Authorization: secretValue, 'X-Tenant': 'ops' },
      })
      const d = await ping(wh.id)
      await settled(wh.id, d.id)
      const r = receiver.received[0] as Received
      assert.equal(r.headers.authorization, secretValue)
      assert.equal(r.headers['x-tenant'], 'ops')
      for (const url of [
        `/v1/webhooks/${wh.id}`,
        '/v1/webhooks?limit=500',
        `/v1/webhooks/${wh.id}/deliveries`,
      ]) {
        const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.auth('read') })
        assert.equal(res.statusCode, 200)
        assert.ok(!res.body.includes(secretValue), `${url} leaks a header value`)
        assert.ok(!res.body.includes(wh.secret), `${url} leaks the secret`)
      }
      assert.ok(!JSON.stringify(wh).includes(secretValue))
      const slack = await create({
        name: 'slack',
        format: 'slack',
        url: 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX',
        events: ['finding.opened'],
      })
      assert.equal(slack.url, 'https://hooks.slack.com/…', 'a Slack webhook URL is a credential')
      const got = await ctx.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${wh.id}`,
        headers: ctx.auth('read'),
      })
      assert.deepEqual(got.json().headerNames, ['Authorization', 'X-Tenant'])
      // PATCH without headers keeps them; the worker still sends them.
      const patched = await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/webhooks/${wh.id}`,
        headers: ctx.auth(),
        payload: { name: 'renamed' },
      })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.equal(patched.json().name, 'renamed')
      assert.ok(!patched.body.includes(secretValue))
      const d2 = await ping(wh.id)
      await settled(wh.id, d2.id)
      assert.equal(receiver.received[1]!.headers.authorization, secretValue)
    } finally {
      await receiver.close()
    }
  })

  test('at most maxConcurrency requests are in flight to one subscription', async () => {
    let inFlight = 0
    let most = 0
    const receiver = await startReceiver(async () => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((r) => setTimeout(r, 60))
      inFlight--
      return 200
    })
    try {
      const wh = await create({
        name: 'narrow',
        url: receiver.url,
        events: ['finding.opened'],
        maxConcurrency: 2,
      })
      const pings = await Promise.all(Array.from({ length: 10 }, () => ping(wh.id)))
      for (const d of pings) assert.equal((await settled(wh.id, d.id)).status, 'succeeded')
      assert.equal(receiver.received.length, 10)
      assert.equal(most, 2, `at most 2 at once (saw ${most})`)
    } finally {
      await receiver.close()
    }
  })

  test('a disabled subscription still answers a test ping, and PATCH switches it on and off', async () => {
    const receiver = await startReceiver()
    try {
      const wh = await create({ name: 'off', url: receiver.url, events: ['finding.opened'], enabled: false })
      assert.equal(wh.enabled, false)
      const d = await ping(wh.id)
      assert.equal((await settled(wh.id, d.id)).status, 'succeeded')
      assert.equal(receiver.received.length, 1)
      const on = await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/webhooks/${wh.id}`,
        headers: ctx.auth(),
        payload: { enabled: true, filter: { minSeverity: 'high' } },
      })
      assert.equal(on.statusCode, 200, on.body)
      assert.equal(on.json().enabled, true)
      assert.deepEqual(on.json().filter, { minSeverity: 'high' })
      const empty = await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/webhooks/${wh.id}`,
        headers: ctx.auth(),
        payload: {},
      })
      assert.equal(empty.statusCode, 400)
    } finally {
      await receiver.close()
    }
  })

  test('bad input gets a 400 naming the field; reads cannot write', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'https://example.com/h', events: ['finding.opened'] }, 'body.name'],
      [{ name: 'x', url: 'ftp://example.com/h', events: ['finding.opened'] }, 'body.url'],
      [{ name: 'x', url: 'not a url', events: ['finding.opened'] }, 'body.url'],
      [{ name: 'x', url: 'https://u:p@example.com/h', events: ['finding.opened'] }, 'body.url'],
      [{ name: 'x', url: 'https://example.com/h', events: ['finding.exploded'] }, 'body.events[0]'],
      [{ name: 'x', url: 'https://example.com/h', events: [] }, 'body.events'],
      [
        { name: 'x', url: 'https://example.com/h', events: ['finding.opened'], format: 'teams' },
        'body.format',
      ],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['finding.opened'],
          filter: { minSeverity: 'huge' },
        },
        'body.filter.minSeverity',
      ],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['finding.opened'],
          filter: { accountIds: ['12'] },
        },
        'body.filter.accountIds[0]',
      ],
      [
        { name: 'x', url: 'https://example.com/h', events: ['finding.opened'], filter: { ous: [] } },
        'body.filter.ous',
      ],
      [{ name: 'x', url: 'https://example.com/h', events: ['finding.opened'], format: 'jira' }, 'body.jira'],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['finding.opened'],
          format: 'jira',
          jira: { projectKey: 'lower' },
        },
        'body.jira.projectKey',
      ],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['sweep.completed'],
          format: 'servicenow',
        },
        'body.events',
      ],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['finding.opened'],
          format: 'jira',
          jira: { projectKey: 'SEC' },
          digest: true,
        },
        'body.digest',
      ],
      [
        {
          name: 'x',
          url: 'https://example.com/h',
          events: ['finding.opened'],
          headers: { 'webhook-signature': 'v1,x' },
        },
        'body.headers.webhook-signature',
      ],
      [
        { name: 'x', url: 'https://example.com/h', events: ['finding.opened'], maxConcurrency: 0 },
        'body.maxConcurrency',
      ],
    ]
    for (const [payload, field] of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: ctx.auth(), payload })
      assert.equal(res.statusCode, 400, `${field}: ${res.body}`)
      const fields = (res.json().errors ?? []).map((e: { field: string }) => e.field)
      assert.ok(fields.includes(field), `expected ${field} among ${fields.join(', ')}`)
    }
    const readOnly = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: ctx.auth('read'),
      payload: { name: 'x', url: 'https://example.com/h', events: ['finding.opened'] },
    })
    assert.equal(readOnly.statusCode, 403)
    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/v1/webhooks/7d7f1f4e-9a3b-4c8e-8f1e-2b5a6c7d8e9f',
      headers: ctx.auth('read'),
    })
    assert.equal(missing.statusCode, 404)
    const badCursor = await ctx.app.inject({
      method: 'GET',
      url: '/v1/webhooks?cursor=zzz',
      headers: ctx.auth('read'),
    })
    assert.equal(badCursor.statusCode, 400)
    assert.equal(badCursor.json().errors[0].field, 'cursor')
  })

  test('list pages with a cursor; delete removes the subscription', async () => {
    const before = await ctx.app.inject({
      method: 'GET',
      url: '/v1/webhooks?limit=500',
      headers: ctx.auth('read'),
    })
    const total = before.json().items.length
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: { json(): { items: Array<{ id: string }>; nextCursor: string | null } } =
        await ctx.app.inject({
          method: 'GET',
          url: `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers: ctx.auth('read'),
        })
      seen.push(...res.json().items.map((w: { id: string }) => w.id))
      cursor = res.json().nextCursor
    } while (cursor)
    assert.equal(seen.length, total)
    assert.equal(new Set(seen).size, total)
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/webhooks/${seen[0]}`,
      headers: ctx.auth(),
    })
    assert.equal(del.statusCode, 204)
    const gone = await ctx.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${seen[0]}`,
      headers: ctx.auth('read'),
    })
    assert.equal(gone.statusCode, 404)
  })
})

describe('webhooks: API without Redis', () => {
  test('a ping or redelivery that cannot be queued is a 503 and leaves nothing pending', async () => {
    const ctx = await createTestContext({ workers: false })
    try {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: ctx.auth(),
        payload: { name: 'x', url: 'https://example.com/h', events: ['finding.opened'] },
      })
      const wh = res.json()
      const deliveryId = randomUUID()
      await ctx.store.webhooks.insertDeliveries([
        {
          id: deliveryId,
          webhookId: wh.id,
          eventKey: 'k',
          eventType: 'ping',
          sweepId: null,
          payload: { id: 'e' },
        },
      ])
      await ctx.store.webhooks.recordAttempt(deliveryId, {
        status: 'dead',
        responseCode: 500,
        latencyMs: 1,
        error: 'x',
        nextAttemptAt: null,
      })
      ctx.redis.disconnect()
      const ping = await ctx.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${wh.id}/test`,
        headers: ctx.auth(),
      })
      assert.equal(ping.statusCode, 503, ping.body)
      const again = await ctx.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${wh.id}/deliveries/${deliveryId}/redeliver`,
        headers: ctx.auth(),
      })
      assert.equal(again.statusCode, 503, again.body)
      const rows = await ctx.store.webhooks.listDeliveries(wh.id, { limit: 10 })
      assert.deepEqual(
        rows.map((r) => [r.id, r.status]),
        [[deliveryId, 'dead']],
      )
    } finally {
      await ctx.close()
    }
  })
})
