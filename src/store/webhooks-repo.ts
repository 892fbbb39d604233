import { sql } from 'kysely'
import type { Db } from './database.js'
import type {
  DeliveryStatus,
  FindingEventKind,
  TicketAction,
  WebhookDeliveryRow,
  WebhookFormat,
  WebhookRow,
  WebhookTicketRow,
} from './schema.js'

export interface WebhookInput {
  name: string
  url: string
  format: WebhookFormat
  events: string[]
  filter: unknown
  options: unknown
  digest: boolean
  enabled: boolean
  maxConcurrency: number
  headers: Record<string, string>
}

export interface NewDelivery {
  id: string
  webhookId: string
  eventKey: string
  eventType: string
  sweepId: string | null
  payload: unknown
}

/** A finding lifecycle event with the finding it is about, as the dispatcher matches it. */
export interface FindingEventRow {
  event_id: string
  kind: FindingEventKind
  sweep_id: string | null
  event_at: Date
  finding_id: string
  fingerprint: string
  rule_id: string
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info'
  status: 'open' | 'resolved' | 'suppressed'
  title: string
  account_id: string
  account_name: string
  ou_path: string
  resource_arn: string
  suppressed_reason: string | null
}

export interface GuardrailChangeRow {
  account_id: string
  account_name: string
  ou_path: string
  guardrail_id: string
  verdict: string
  previous: string
  previous_sweep_id: string
}

export interface DeliveryPage {
  status?: DeliveryStatus
  after?: { createdAt: Date; id: string }
  limit: number
}

export function createWebhooksRepo(db: Db) {
  const findingEvents = () =>
    db
      .selectFrom('finding_events as e')
      .innerJoin('findings as f', 'f.id', 'e.finding_id')
      .select([
        'e.id as event_id',
        'e.kind',
        'e.sweep_id',
        'e.created_at as event_at',
        'f.id as finding_id',
        'f.fingerprint',
        'f.rule_id',
        'f.severity',
        'f.status',
        'f.title',
        'f.account_id',
        'f.account_name',
        'f.ou_path',
        'f.resource_arn',
        'f.suppressed_reason',
      ])

  return {
    async create(id: string, input: WebhookInput, secret: string, by: string): Promise<WebhookRow> {
      return db
        .insertInto('webhooks')
        .values({
          id,
          name: input.name,
          url: input.url,
          format: input.format,
          events: JSON.stringify(input.events),
          filter: JSON.stringify(input.filter),
          options: JSON.stringify(input.options),
          digest: input.digest,
          enabled: input.enabled,
          max_concurrency: input.maxConcurrency,
          secret,
          headers: JSON.stringify(input.headers),
          created_by: by,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    list(q: { after?: { createdAt: Date; id: string }; limit: number }): Promise<WebhookRow[]> {
      let query = db.selectFrom('webhooks').selectAll()
      if (q.after) {
        const { createdAt, id } = q.after
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
          ]),
        )
      }
      return query.orderBy('created_at').orderBy('id').limit(q.limit).execute()
    },

    get(id: string): Promise<WebhookRow | undefined> {
      return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
    },

    enabled(): Promise<WebhookRow[]> {
      return db.selectFrom('webhooks').selectAll().where('enabled', '=', true).orderBy('id').execute()
    },

    async update(id: string, input: WebhookInput): Promise<WebhookRow | undefined> {
      return db
        .updateTable('webhooks')
        .set({
          name: input.name,
          url: input.url,
          format: input.format,
          events: JSON.stringify(input.events),
          filter: JSON.stringify(input.filter),
          options: JSON.stringify(input.options),
          digest: input.digest,
          enabled: input.enabled,
          max_concurrency: input.maxConcurrency,
          headers: JSON.stringify(input.headers),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst()
      return Number(res.numDeletedRows) > 0
    },

    /** Inserts deliveries not yet recorded for their (webhook, event key); returns the new ids only. */
    async insertDeliveries(rows: NewDelivery[]): Promise<string[]> {
      const ids: string[] = []
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await db
          .insertInto('webhook_deliveries')
          .values(
            rows.slice(i, i + 500).map((r) => ({
              id: r.id,
              webhook_id: r.webhookId,
              event_key: r.eventKey,
              event_type: r.eventType,
              sweep_id: r.sweepId,
              payload: JSON.stringify(r.payload),
            })),
          )
          .onConflict((oc) => oc.columns(['webhook_id', 'event_key']).doNothing())
          .returning('id')
          .execute()
        ids.push(...inserted.map((r) => r.id))
      }
      return ids
    },

    getDelivery(id: string): Promise<WebhookDeliveryRow | undefined> {
      return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Newest first. */
    listDeliveries(webhookId: string, q: DeliveryPage): Promise<WebhookDeliveryRow[]> {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.after) {
        const { createdAt, id } = q.after
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
          ]),
        )
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute()
    },

    /** Records one attempt; `attempts` counts every request made for this delivery. */
    async recordAttempt(
      id: string,
      result: {
        status: DeliveryStatus
        responseCode: number | null
        latencyMs: number | null
        error: string | null
        nextAttemptAt: Date | null
      },
    ): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: result.status,
          attempts: sql`attempts + 1`,
          response_code: result.responseCode,
          latency_ms: result.latencyMs,
          last_error: result.error,
          next_attempt_at: result.nextAttemptAt,
          delivered_at: result.status === 'succeeded' ? sql`now()` : null,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute()
    },

    /** A redelivery starts again from pending; the attempt count keeps growing. */
    async markPending(id: string): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute()
    },

    /** Puts a delivery back as it was when a redelivery could not be queued. */
    async restoreStatus(id: string, status: DeliveryStatus, nextAttemptAt: Date | null): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ status, next_attempt_at: nextAttemptAt, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute()
    },

    /** The ticket a jira/servicenow subscription opened for a finding, if one is known. */
    getTicket(webhookId: string, findingId: string): Promise<WebhookTicketRow | undefined> {
      return db
        .selectFrom('webhook_tickets')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .where('finding_id', '=', findingId)
        .executeTakeFirst()
    },

    /** The subscription's finding.opened delivery of a finding while it is not settled (pending or retrying). */
    unsettledOpening(
      webhookId: string,
      findingId: string,
    ): Promise<Pick<WebhookDeliveryRow, 'id' | 'status' | 'next_attempt_at' | 'updated_at'> | undefined> {
      return (
        db
          .selectFrom('webhook_deliveries')
          .select(['id', 'status', 'next_attempt_at', 'updated_at'])
          .where('webhook_id', '=', webhookId)
          .where(sql<string>`payload -> 'data' -> 'finding' ->> 'id'`, '=', findingId)
          // Literal, as the partial index's predicate (0010), so that the planner can always use it.
          .where(sql<boolean>`event_type = 'finding.opened' AND status IN ('pending', 'retrying')`)
          .limit(1)
          .executeTakeFirst()
      )
    },

    /** A delivery put off without an attempt: when it runs next, and why (shown as its lastError). */
    async noteWaiting(id: string, until: Date, reason: string): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: until, last_error: reason, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute()
    },

    /** Remembers a finding's ticket; the first one recorded stays (it is the one others act on). */
    async saveTicket(t: Omit<WebhookTicketRow, 'created_at'>): Promise<WebhookTicketRow> {
      await db
        .insertInto('webhook_tickets')
        .values(t)
        .onConflict((oc) => oc.columns(['webhook_id', 'finding_id']).doNothing())
        .execute()
      return db
        .selectFrom('webhook_tickets')
        .selectAll()
        .where('webhook_id', '=', t.webhook_id)
        .where('finding_id', '=', t.finding_id)
        .executeTakeFirstOrThrow()
    },

    /** Forgets a subscription's tickets (its URL or format changed: they belong to another system). */
    async deleteTickets(webhookId: string): Promise<void> {
      await db.deleteFrom('webhook_tickets').where('webhook_id', '=', webhookId).execute()
    },

    /** What a ticketing delivery did so far, to which ticket. */
    async setDeliveryTicket(id: string, key: string | null, action: TicketAction): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ ticket_key: key, ticket_action: action, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute()
    },

    async deleteDelivery(id: string): Promise<void> {
      await db.deleteFrom('webhook_deliveries').where('id', '=', id).execute()
    },

    /** Lifecycle events recorded by a sweep, with their findings. */
    sweepFindingEvents(sweepId: string): Promise<FindingEventRow[]> {
      return findingEvents()
        .where('e.sweep_id', '=', sweepId)
        .where('e.kind', 'in', ['opened', 'resolved', 'reopened'])
        .orderBy('e.created_at')
        .orderBy('e.id')
        .execute() as Promise<FindingEventRow[]>
    },

    /** The latest suppression of a finding through the API (not part of any sweep). */
    latestSuppression(findingId: string): Promise<FindingEventRow | undefined> {
      return findingEvents()
        .where('e.finding_id', '=', findingId)
        .where('e.kind', '=', 'suppressed')
        .where('e.sweep_id', 'is', null)
        .orderBy('e.created_at', 'desc')
        .limit(1)
        .executeTakeFirst() as Promise<FindingEventRow | undefined>
    },

    /**
     * Guardrail verdicts of a sweep that differ from the same account's verdict in the latest
     * earlier sweep that judged it.
     */
    async guardrailChanges(sweepId: string): Promise<GuardrailChangeRow[]> {
      const { rows } = await sql<GuardrailChangeRow>`
        SELECT cur.account_id, coalesce(sa.account_name, cur.account_id) AS account_name,
               coalesce(sa.ou_path, '') AS ou_path, cur.guardrail_id, cur.verdict,
               prev.verdict AS previous, prev.sweep_id AS previous_sweep_id
        FROM guardrail_results cur
        JOIN sweeps s ON s.id = cur.sweep_id
        LEFT JOIN sweep_accounts sa ON sa.sweep_id = cur.sweep_id AND sa.account_id = cur.account_id
        JOIN LATERAL (
          SELECT g.verdict, g.sweep_id
          FROM guardrail_results g
          JOIN sweeps ps ON ps.id = g.sweep_id
          WHERE g.account_id = cur.account_id AND g.guardrail_id = cur.guardrail_id
            AND ps.created_at < s.created_at
          ORDER BY ps.created_at DESC
          LIMIT 1
        ) prev ON true
        WHERE cur.sweep_id = ${sweepId} AND prev.verdict <> cur.verdict
        ORDER BY cur.account_id, cur.guardrail_id`.execute(db)
      return rows
    },
  }
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>
