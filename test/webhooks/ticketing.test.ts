import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { FindingEventKind } from '../../src/store/schema.js'
import { findingEvent } from '../../src/webhooks/events.js'
import { fingerprintLabel } from '../../src/webhooks/formats.js'
import { enqueueDeliveries } from '../../src/webhooks/jobs.js'
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/webhooks/settings.js'
import { createTestContext, STORE_KINDS, type TestContext } from '../helpers/context.js'
import { startFakeTicketing } from './fake-ticketing.js'
import { waitFor } from './receiver.js'

const SETTINGS = { ...DEFAULT_WEBHOOK_SETTINGS, attempts: 3, backoffMs: 30 }

const newFinding = () => ({ id: randomUUID(), fingerprint: randomBytes(12).toString('hex') })
type Finding = ReturnType<typeof newFinding>

/**
 * jira and servicenow subscriptions through the real workers to a fake Jira and ServiceNow on
 * loopback: the ticket a finding.opened creates is the one its later events act on.
 */
for (const kind of STORE_KINDS) {
  describe(`webhooks: tickets in Jira and ServiceNow (${kind})`, () => {
    let ctx: TestContext
    before(async () => {
      ctx = await createTestContext({ store: kind, webhooks: { attempts: 3, backoffMs: 30 } })
    })
    after(() => ctx.close())

    const subscribe = async (payload: Record<string, unknown>) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: ctx.auth(),
        payload: {
          name: String(payload.format),
          events: ['finding.opened', 'finding.resolved', 'finding.reopened', 'finding.suppressed'],
          headers: { Authorization: 'Basic dXNlcjp0b2tlbg==' },
          ...payload,
        },
      })
      assert.equal(res.statusCode, 201, res.body)
      return res.json() as { id: string }
    }
    /** A Jira subscription to project SEC at `url`, with the given transition settings. */
    const subscribeJira = (url: string, jira: Record<string, unknown> = {}) =>
      subscribe({ format: 'jira', url, jira: { projectKey: 'SEC', ...jira } })

    /** A finding event as a sweep records it, queued on the webhooks queue; returns the delivery id. */
    const queue = async (webhookId: string, f: Finding, kind: FindingEventKind, settings = SETTINGS) => {
      const event = findingEvent({
        event_id: randomUUID(),
        kind,
        sweep_id: randomUUID(),
        event_at: new Date(),
        finding_id: f.id,
        fingerprint: f.fingerprint,
        rule_id: 'root.access-key-present',
        severity: 'critical',
        status: kind === 'resolved' ? 'resolved' : 'open',
        title: 'The root user has an access key',
        account_id: '526730984187',
        account_name: 'network',
        ou_path: 'o-acme4k2p9x/r-ac3e/',
        resource_arn: 'arn:aws:iam::526730984187:root',
        suppressed_reason: kind === 'suppressed' ? 'accepted risk' : null,
      })
      const id = randomUUID()
      await ctx.store.webhooks.insertDeliveries([
        { id, webhookId, eventKey: event.id, eventType: event.type, sweepId: null, payload: event },
      ])
      await enqueueDeliveries(ctx.queues.webhooks, settings, [id])
      return id
    }

    /** A finding event delivered through the webhooks queue, once settled. */
    const deliver = async (webhookId: string, f: Finding, kind: FindingEventKind) =>
      settled(webhookId, await queue(webhookId, f, kind))

    const settled = (webhookId: string, deliveryId: string) =>
      waitFor(`delivery ${deliveryId}`, async () => {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${webhookId}/deliveries?limit=500`,
          headers: ctx.auth('read'),
        })
        assert.equal(res.statusCode, 200, res.body)
        const d = res.json().items.find((x: { id: string }) => x.id === deliveryId)
        return d && ['succeeded', 'dead'].includes(d.status) ? d : undefined
      })

    const redeliver = async (webhookId: string, deliveryId: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`,
        headers: ctx.auth(),
      })
      assert.equal(res.statusCode, 202, res.body)
      return waitFor('the redelivery', async () => {
        const d = await settled(webhookId, deliveryId)
        return d.attempts > 1 ? d : undefined
      })
    }

    test('jira: opened creates one issue; resolved comments on it and transitions it; reopened comments', async () => {
      const fake = await startFakeTicketing()
      try {
        const wh = await subscribeJira(fake.jira, { resolveTransitionId: '31' })
        const f = newFinding()
        const opened = await deliver(wh.id, f, 'opened')
        assert.equal(opened.status, 'succeeded', opened.lastError)
        assert.deepEqual(opened.ticket, { key: 'SEC-1', action: 'created' })
        assert.equal(fake.issues.length, 1)
        const create = fake.requests[0]!
        assert.equal(create.path, '/jira/rest/api/3/issue')
        assert.equal(create.json.fields.project.key, 'SEC')
        assert.ok(fake.issues[0]!.labels.includes(fingerprintLabel(f.fingerprint)))

        // Sent again (a redelivery): the finding has its issue, nothing is created.
        const again = await redeliver(wh.id, opened.id)
        assert.equal(again.status, 'succeeded')
        assert.deepEqual(again.ticket, { key: 'SEC-1', action: 'existing' })
        assert.equal(fake.issues.length, 1)
        assert.equal(fake.requests.length, 1, 'no request at all for a known ticket')

        const resolved = await deliver(wh.id, f, 'resolved')
        assert.equal(resolved.status, 'succeeded', resolved.lastError)
        assert.deepEqual(resolved.ticket, { key: 'SEC-1', action: 'transitioned' })
        assert.deepEqual(
          fake.requests.slice(1).map((r) => `${r.method} ${r.path}`),
          ['POST /jira/rest/api/3/issue/SEC-1/comment', 'POST /jira/rest/api/3/issue/SEC-1/transitions'],
        )
        assert.match(fake.issues[0]!.comments[0]!, /resolved/)
        assert.deepEqual(fake.issues[0]!.transitions, ['31'])

        const reopened = await deliver(wh.id, f, 'reopened')
        assert.deepEqual(reopened.ticket, { key: 'SEC-1', action: 'commented' })
        assert.match(fake.issues[0]!.comments[1]!, /reopened/)
        assert.equal(fake.issues.length, 1)
      } finally {
        await fake.close()
      }
    })

    test('jira: a create whose answer was lost is found by its label on the retry, not created twice', async () => {
      const fake = await startFakeTicketing({ loseAnswers: 1 })
      try {
        const wh = await subscribeJira(fake.jira)
        const f = newFinding()
        const opened = await deliver(wh.id, f, 'opened')
        assert.equal(opened.status, 'succeeded', opened.lastError)
        assert.equal(opened.attempts, 2, 'the lost answer failed the first attempt')
        assert.deepEqual(opened.ticket, { key: 'SEC-1', action: 'existing' })
        assert.equal(fake.issues.length, 1, 'one issue')
        assert.deepEqual(
          fake.requests.map((r) => `${r.method} ${r.path}`),
          ['POST /jira/rest/api/3/issue', 'POST /jira/rest/api/3/search/jql'],
        )
        // Without a transition configured, resolved is the comment alone, on the found issue.
        const resolved = await deliver(wh.id, f, 'resolved')
        assert.deepEqual(resolved.ticket, { key: 'SEC-1', action: 'commented' })
        assert.equal(fake.requests.at(-1)!.path, '/jira/rest/api/3/issue/SEC-1/comment')
        assert.deepEqual(fake.issues[0]!.transitions, [])
      } finally {
        await fake.close()
      }
    })

    test('jira: without a known ticket, resolved sends nothing (untracked) and reopened creates one', async () => {
      const fake = await startFakeTicketing()
      try {
        const wh = await subscribeJira(fake.jira, { resolveTransitionId: '31' })
        const f = newFinding()
        const resolved = await deliver(wh.id, f, 'resolved')
        assert.equal(resolved.status, 'succeeded', resolved.lastError)
        assert.deepEqual(resolved.ticket, { key: null, action: 'untracked' })
        assert.equal(fake.writes().length, 0, 'only a look-up')
        const reopened = await deliver(wh.id, f, 'reopened')
        assert.deepEqual(reopened.ticket, { key: 'SEC-1', action: 'created' })
        const suppressed = await deliver(wh.id, f, 'suppressed')
        assert.deepEqual(suppressed.ticket, { key: 'SEC-1', action: 'commented' })
        assert.match(fake.issues[0]!.comments[0]!, /accepted risk/)
        assert.equal(fake.issues.length, 1)
      } finally {
        await fake.close()
      }
    })

    // Jobs of the openings below retry for longer than the receiver stays down.
    const PATIENT = { ...SETTINGS, attempts: 20 }

    test('jira: resolved waits for an opening still retrying (receiver down), then acts on the one issue it created', async () => {
      const fake = await startFakeTicketing()
      try {
        const wh = await subscribeJira(fake.jira, { resolveTransitionId: '31' })
        const f = newFinding()
        fake.setDown(true)
        const openedId = await queue(wh.id, f, 'opened', PATIENT)
        await waitFor('the opening failing', async () => {
          const d = await ctx.store.webhooks.getDelivery(openedId)
          return d?.status === 'retrying' && d.response_code === 503 ? d : undefined
        })
        const resolvedId = await queue(wh.id, f, 'resolved', PATIENT)
        const waiting = await waitFor('the resolved delivery to run', async () => {
          const d = await ctx.store.webhooks.getDelivery(resolvedId)
          return d?.last_error ? d : undefined
        })
        assert.equal(waiting.attempts, 0, 'it waits without a request or a spent attempt')
        assert.equal(waiting.status, 'pending')
        assert.match(waiting.last_error!, new RegExp(`waiting for the finding.opened delivery ${openedId}`))
        fake.setDown(false)

        const opened = await settled(wh.id, openedId)
        const resolved = await settled(wh.id, resolvedId)
        assert.equal(opened.status, 'succeeded', opened.lastError)
        assert.deepEqual(opened.ticket, { key: 'SEC-1', action: 'created' })
        assert.equal(resolved.status, 'succeeded', resolved.lastError)
        assert.equal(resolved.attempts, 1)
        assert.deepEqual(resolved.ticket, { key: 'SEC-1', action: 'transitioned' })
        assert.equal(fake.issues.length, 1, 'exactly one issue')
        assert.equal(fake.issues[0]!.comments.length, 1)
        assert.match(fake.issues[0]!.comments[0]!, /resolved/)
        assert.deepEqual(fake.issues[0]!.transitions, ['31'])
        // Besides the opening's creates (refused while down, then one answered), the only writes.
        const others = fake.writes().filter((r) => r.path !== '/jira/rest/api/3/issue')
        assert.deepEqual(
          others.map((r) => `${r.method} ${r.path}`),
          ['POST /jira/rest/api/3/issue/SEC-1/comment', 'POST /jira/rest/api/3/issue/SEC-1/transitions'],
        )
      } finally {
        await fake.close()
      }
    })

    test('jira: a dead opening does not hold resolved up: resolved then follows the no-ticket rule', async () => {
      const fake = await startFakeTicketing()
      try {
        const wh = await subscribeJira(fake.jira)
        const f = newFinding()
        fake.setDown(true)
        const openedId = await queue(wh.id, f, 'opened', { ...SETTINGS, attempts: 3 })
        const resolvedId = await queue(wh.id, f, 'resolved', PATIENT)
        const opened = await settled(wh.id, openedId)
        assert.equal(opened.status, 'dead')
        assert.equal(opened.attempts, 3)
        fake.setDown(false)
        const resolved = await settled(wh.id, resolvedId)
        assert.equal(resolved.status, 'succeeded', resolved.lastError)
        assert.deepEqual(resolved.ticket, { key: null, action: 'untracked' })
        assert.equal(fake.issues.length, 0)
      } finally {
        await fake.close()
      }
    })

    test('servicenow: opened creates an incident; resolved PATCHes that sys_id with the resolved state; a new URL forgets it', async () => {
      const fake = await startFakeTicketing()
      try {
        // A URL ending in the create endpoint is read as the instance base (older subscriptions).
        const wh = await subscribe({
          format: 'servicenow',
          url: `${fake.snow}/api/now/table/incident`,
          servicenow: { assignmentGroup: 'Cloud Security' },
        })
        const f = newFinding()
        const opened = await deliver(wh.id, f, 'opened')
        assert.equal(opened.status, 'succeeded', opened.lastError)
        assert.deepEqual(opened.ticket, { key: 'INC0000001', action: 'created' })
        const incident = fake.incidents[0]!
        assert.equal(incident.correlation_id, f.fingerprint)
        assert.equal(fake.requests[0]!.json.assignment_group, 'Cloud Security')

        const resolved = await deliver(wh.id, f, 'resolved')
        assert.deepEqual(resolved.ticket, { key: 'INC0000001', action: 'updated' })
        const patch = fake.requests.at(-1)!
        assert.equal(`${patch.method} ${patch.path}`, `PATCH /snow/api/now/table/incident/${incident.sys_id}`)
        assert.equal(patch.json.state, '6')
        assert.ok(patch.json.close_code && patch.json.close_notes)
        assert.equal(incident.state, '6')

        const reopened = await deliver(wh.id, f, 'reopened')
        assert.deepEqual(reopened.ticket, { key: 'INC0000001', action: 'updated' })
        assert.match(incident.work_notes[0]!, /reopened/)
        assert.equal(fake.incidents.length, 1)

        // Another instance: the remembered incident is not its record; the next event looks it up there.
        const other = await startFakeTicketing()
        try {
          const moved = await ctx.app.inject({
            method: 'PATCH',
            url: `/v1/webhooks/${wh.id}`,
            headers: ctx.auth(),
            payload: { url: other.snow },
          })
          assert.equal(moved.statusCode, 200, moved.body)
          const resolvedThere = await deliver(wh.id, f, 'resolved')
          assert.deepEqual(resolvedThere.ticket, { key: null, action: 'untracked' })
          assert.deepEqual(
            other.requests.map((r) => r.method),
            ['GET'],
          )
        } finally {
          await other.close()
        }
      } finally {
        await fake.close()
      }
    })

    test('servicenow: a lost create answer is found by correlation_id; the header values never show', async () => {
      const fake = await startFakeTicketing({ loseAnswers: 1 })
      try {
        const wh = await subscribe({ format: 'servicenow', url: fake.snow })
        const f = newFinding()
        const opened = await deliver(wh.id, f, 'opened')
        assert.equal(opened.status, 'succeeded', opened.lastError)
        assert.deepEqual(opened.ticket, { key: 'INC0000001', action: 'existing' })
        assert.equal(fake.incidents.length, 1)
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${wh.id}/deliveries`,
          headers: ctx.auth('read'),
        })
        assert.ok(!res.body.includes('dXNlcjp0b2tlbg=='))
      } finally {
        await fake.close()
      }
    })
  })
}
