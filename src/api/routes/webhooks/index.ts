import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Queues } from '../../../queue/producer.js'
import type { Store } from '../../../store/index.js'
import type { WebhookDeliveryRow, WebhookFormat, WebhookRow } from '../../../store/schema.js'
import type { WebhookInput } from '../../../store/webhooks-repo.js'
import { FINDING_EVENTS, stableEventId, type WebhookEvent } from '../../../webhooks/events.js'
import { urlProblem } from '../../../webhooks/http.js'
import { enqueueDeliveries } from '../../../webhooks/jobs.js'
import type { WebhookSettings } from '../../../webhooks/settings.js'
import { generateSecret } from '../../../webhooks/signing.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors, invalidField } from '../../errors.js'
import { authErrors, NoQuery, problemRef } from '../../schemas/common.js'
import {
  CreateBody,
  CreatedWebhook,
  DeliveriesQuery,
  Delivery,
  DeliveryParams,
  IdParams,
  ListQuery,
  UpdateBody,
  Webhook,
  WebhookEvent as WebhookEventSchema,
} from './schemas.js'

interface Deps {
  store: Store
  queues: Queues
  settings: WebhookSettings
}

interface Body {
  name?: string
  url?: string
  format?: WebhookFormat
  events?: string[]
  filter?: Record<string, unknown>
  jira?: Record<string, unknown>
  servicenow?: Record<string, unknown>
  digest?: boolean
  enabled?: boolean
  maxConcurrency?: number
  headers?: Record<string, string>
}

// Headers we set ourselves: a custom header must not forge a signature or break the framing.
const RESERVED = /^(webhook-.*|content-type|content-length|host|transfer-encoding|connection|user-agent)$/i

/** The checks JSON Schema cannot express, each a 400 naming its field. */
function check(input: WebhookInput, body: Body) {
  const problem = urlProblem(input.url)
  if (problem) throw invalidField('body.url', problem)
  for (const name of Object.keys(input.headers)) {
    if (RESERVED.test(name))
      throw invalidField(`body.headers.${name}`, 'is set by Orgwarden and cannot be overridden')
  }
  for (const f of ['jira', 'servicenow'] as const) {
    if (body[f] && input.format !== f) throw invalidField(`body.${f}`, `applies to format "${f}" only`)
  }
  if (input.format === 'jira' && !(input.options as { projectKey?: string }).projectKey)
    throw invalidField('body.jira', 'is required with format "jira" (projectKey at least)')
  if (input.format === 'jira' || input.format === 'servicenow') {
    const other = input.events.find((e) => !FINDING_EVENTS.includes(e as never))
    if (other)
      throw invalidField('body.events', `${input.format} webhooks carry finding events only, not ${other}`)
    if (input.digest)
      throw invalidField('body.digest', `a digest has no ${input.format} shape; use generic or slack`)
  }
}

/** A Slack incoming-webhook URL is itself the credential: only its origin is shown. */
const urlView = (row: WebhookRow) => (row.format === 'slack' ? `${new URL(row.url).origin}/…` : row.url)

function view(row: WebhookRow) {
  const options = row.options as Record<string, unknown>
  return {
    id: row.id,
    name: row.name,
    url: urlView(row),
    format: row.format,
    events: row.events,
    filter: row.filter as Record<string, unknown>,
    ...(row.format === 'jira' ? { jira: options } : {}),
    ...(row.format === 'servicenow' ? { servicenow: options } : {}),
    digest: row.digest,
    enabled: row.enabled,
    maxConcurrency: row.max_concurrency,
    headerNames: Object.keys(row.headers).sort(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

function deliveryView(d: WebhookDeliveryRow) {
  const event = d.payload as WebhookEvent
  return {
    id: d.id,
    webhookId: d.webhook_id,
    eventId: event.id,
    eventType: d.event_type,
    sweepId: d.sweep_id,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.response_code,
    latencyMs: d.latency_ms,
    lastError: d.last_error,
    nextAttemptAt: d.next_attempt_at?.toISOString() ?? null,
    createdAt: d.created_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
    ticket: d.ticket_action ? { key: d.ticket_key, action: d.ticket_action } : null,
    event,
  }
}

const isCursor = (v: unknown): v is { c: string; i: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { c: unknown }).c === 'string' &&
  !Number.isNaN(Date.parse((v as { c: string }).c)) &&
  typeof (v as { i: unknown }).i === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { i: string }).i)

/** Without its job a delivery would wait for ever: say so instead of a bare 500. */
async function enqueueOr503(fn: () => Promise<unknown>, undo: () => Promise<unknown>) {
  try {
    await fn()
  } catch {
    await undo()
    throw Object.assign(new Error('the job queue (Redis) is unavailable; try again'), {
      statusCode: 503,
      code: 'queue-unavailable',
    })
  }
}

const page = <T>(rows: T[], limit: number, key: (row: T) => { c: string; i: string }) => ({
  items: rows.slice(0, limit),
  nextCursor: rows.length > limit ? encodeCursor(key(rows[limit - 1]!)) : null,
})

export async function webhookRoutes(app: FastifyInstance, deps: Deps) {
  const { store, settings } = deps
  for (const schema of [Webhook, WebhookEventSchema, Delivery]) app.addSchema(schema)
  const tags = ['webhooks']
  const security = [{ bearer: [] }]

  async function load(id: string): Promise<WebhookRow> {
    const row = await store.webhooks.get(id)
    if (!row) throw new Errors.NotFound(`webhook ${id} does not exist`)
    return row
  }

  app.post(
    '/v1/webhooks',
    {
      config: { auth: 'write' },
      schema: {
        tags,
        security,
        summary: 'Subscribe a receiver to events; the answer carries the signing secret, once',
        body: CreateBody,
        response: { 201: CreatedWebhook, ...authErrors },
      },
    },
    async (req, reply) => {
      const body = req.body as Body
      const format = body.format ?? 'generic'
      const input: WebhookInput = {
        name: body.name!,
        url: body.url!,
        format,
        events: body.events!,
        filter: body.filter ?? {},
        options:
          (format === 'jira' ? body.jira : format === 'servicenow' ? body.servicenow : undefined) ?? {},
        digest: body.digest ?? false,
        enabled: body.enabled ?? true,
        maxConcurrency: body.maxConcurrency ?? 4,
        headers: body.headers ?? {},
      }
      check(input, body)
      const secret = generateSecret()
      const row = await store.webhooks.create(randomUUID(), input, secret, req.principal?.name ?? 'unknown')
      reply.code(201).header('location', `/v1/webhooks/${row.id}`)
      return { ...view(row), secret }
    },
  )

  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Webhook subscriptions, oldest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Webhook')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query as { limit?: number; cursor?: string }
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isCursor) : undefined
      const rows = await store.webhooks.list({
        limit: limit + 1,
        after: after ? { createdAt: new Date(after.c), id: after.i } : undefined,
      })
      const p = page(rows, limit, (r) => ({ c: r.created_at.toISOString(), i: r.id }))
      return { items: p.items.map(view), nextCursor: p.nextCursor }
    },
  )

  app.get(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One webhook subscription (never its secret or header values)',
        params: IdParams,
        querystring: NoQuery,
        response: { 200: Type.Ref('Webhook'), 404: problemRef, ...authErrors },
      },
    },
    async (req) => view(await load((req.params as { id: string }).id)),
  )

  app.patch(
    '/v1/webhooks/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags,
        security,
        summary: 'Change a subscription: given fields replace, others stay (headers replace all headers)',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Type.Ref('Webhook'), 404: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const existing = await load((req.params as { id: string }).id)
      const body = req.body as Body
      const format = body.format ?? existing.format
      const options =
        (format === 'jira' ? body.jira : format === 'servicenow' ? body.servicenow : undefined) ??
        (format === existing.format ? existing.options : {})
      const input: WebhookInput = {
        name: body.name ?? existing.name,
        url: body.url ?? existing.url,
        format,
        events: body.events ?? (existing.events as string[]),
        filter: body.filter ?? existing.filter,
        options,
        digest: body.digest ?? existing.digest,
        enabled: body.enabled ?? existing.enabled,
        maxConcurrency: body.maxConcurrency ?? existing.max_concurrency,
        headers: body.headers ?? (existing.headers as Record<string, string>),
      }
      check(input, body)
      const row = await store.webhooks.update(existing.id, input)
      if (!row) throw new Errors.NotFound(`webhook ${existing.id} does not exist`)
      // Remembered tickets live in the old system; later events look them up in the new one.
      if (input.url !== existing.url || input.format !== existing.format)
        await store.webhooks.deleteTickets(existing.id)
      return view(row)
    },
  )

  app.delete(
    '/v1/webhooks/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags,
        security,
        summary: 'Delete a subscription and its delivery history',
        params: IdParams,
        response: { 204: Type.Null(), 404: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string }
      if (!(await store.webhooks.delete(id))) throw new Errors.NotFound(`webhook ${id} does not exist`)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        security,
        summary: 'Deliveries of a subscription, newest first: status, response code, latency, attempts',
        params: IdParams,
        querystring: DeliveriesQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('WebhookDelivery')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const wh = await load((req.params as { id: string }).id)
      const q = req.query as { limit?: number; cursor?: string; status?: WebhookDeliveryRow['status'] }
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isCursor) : undefined
      const rows = await store.webhooks.listDeliveries(wh.id, {
        limit: limit + 1,
        status: q.status,
        after: after ? { createdAt: new Date(after.c), id: after.i } : undefined,
      })
      const p = page(rows, limit, (r) => ({ c: r.created_at.toISOString(), i: r.id }))
      return { items: p.items.map(deliveryView), nextCursor: p.nextCursor }
    },
  )

  app.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: { auth: 'write' },
      schema: {
        tags,
        security,
        summary: 'Send a delivery again (same webhook-id), with a fresh set of attempts',
        params: DeliveryParams,
        response: {
          202: Type.Ref('WebhookDelivery'),
          404: problemRef,
          409: problemRef,
          503: problemRef,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const { id, deliveryId } = req.params as { id: string; deliveryId: string }
      const delivery = await store.webhooks.getDelivery(deliveryId)
      if (!delivery || delivery.webhook_id !== id)
        throw new Errors.NotFound(`webhook ${id} has no delivery ${deliveryId}`)
      if (delivery.status === 'pending' || delivery.status === 'retrying')
        throw new Errors.Conflict(`the delivery is ${delivery.status}: its next attempt is already scheduled`)
      await store.webhooks.markPending(delivery.id)
      await enqueueOr503(
        () => enqueueDeliveries(deps.queues.webhooks, settings, [delivery.id], { redelivery: true }),
        () => store.webhooks.restoreStatus(delivery.id, delivery.status, delivery.next_attempt_at),
      )
      reply.code(202)
      return deliveryView((await store.webhooks.getDelivery(delivery.id))!)
    },
  )

  app.post(
    '/v1/webhooks/:id/test',
    {
      config: { auth: 'write' },
      schema: {
        tags,
        security,
        summary: 'Send a ping event to the receiver; follow it in the deliveries',
        params: IdParams,
        response: { 202: Type.Ref('WebhookDelivery'), 404: problemRef, 503: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const wh = await load((req.params as { id: string }).id)
      const key = `ping:${randomUUID()}`
      const event: WebhookEvent = {
        id: stableEventId(key),
        type: 'ping',
        timestamp: new Date().toISOString(),
        data: { webhookId: wh.id, message: 'Ping from Orgwarden: this webhook works.' },
      }
      const deliveryId = randomUUID()
      await store.webhooks.insertDeliveries([
        { id: deliveryId, webhookId: wh.id, eventKey: key, eventType: 'ping', sweepId: null, payload: event },
      ])
      await enqueueOr503(
        () => enqueueDeliveries(deps.queues.webhooks, settings, [deliveryId]),
        () => store.webhooks.deleteDelivery(deliveryId),
      )
      reply.code(202)
      return deliveryView((await store.webhooks.getDelivery(deliveryId))!)
    },
  )
}
