import type { Store } from '../store/index.js'
import type { TicketAction, WebhookDeliveryRow, WebhookRow } from '../store/schema.js'
import type { FindingData, WebhookEvent } from './events.js'
import {
  fingerprintLabel,
  type JiraOptions,
  jiraComment,
  render,
  type ServiceNowOptions,
  ticketNote,
} from './formats.js'
import type { SendResult } from './http.js'
import type { WebhookSettings } from './settings.js'

/**
 * jira and servicenow subscriptions talk to the ticketing system's REST API. The subscription
 * URL is the instance's base URL (https://acme.atlassian.net, https://acme.service-now.com);
 * a URL ending in the create endpoint (…/rest/api/3/issue, …/api/now/table/incident) is read
 * as its base too. The ticket created for a finding.opened is remembered per (subscription,
 * finding), and the finding's later events act on it.
 */
export const JIRA_ISSUE_PATH = '/rest/api/3/issue'
export const SNOW_INCIDENT_PATH = '/api/now/table/incident'

export type Send = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => Promise<SendResult>

/** A non-2xx answer of the ticketing system: the delivery is retried. */
export class ReceiverError extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`the receiver answered ${status} to ${what}`)
  }
}

export function ticketBase(format: 'jira' | 'servicenow', raw: string): string {
  const url = new URL(raw)
  const suffix = format === 'jira' ? JIRA_ISSUE_PATH : SNOW_INCIDENT_PATH
  let path = url.pathname.replace(/\/+$/, '')
  if (path.endsWith(suffix)) path = path.slice(0, -suffix.length)
  return `${url.origin}${path}`
}

interface Ref {
  key: string
  id: string
}

interface TicketSystem {
  create(event: WebhookEvent): Promise<Ref | undefined>
  /** The newest record carrying the finding's fingerprint, if the system has one. */
  find(fingerprint: string): Promise<Ref | undefined>
  note(ticket: Ref, event: WebhookEvent): Promise<TicketAction>
  resolve(ticket: Ref, event: WebhookEvent, done: TicketAction | null, mark: Mark): Promise<TicketAction>
}

type Mark = (key: string | null, action: TicketAction) => Promise<void>

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined)
const ref = (key: unknown, id: unknown): Ref | undefined => {
  const k = str(key)
  const i = str(id)
  return k && i ? { key: k, id: i } : undefined
}

async function call(send: Send, what: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  const res = await send(method, url, body)
  if (res.status < 200 || res.status >= 300) throw new ReceiverError(res.status, what)
  return parse(res.body)
}

function jira(wh: WebhookRow, send: Send): TicketSystem {
  const options = wh.options as JiraOptions
  const base = ticketBase('jira', wh.url)
  const issue = (key: string) => `${base}${JIRA_ISSUE_PATH}/${encodeURIComponent(key)}`
  const comment = (t: Ref, e: WebhookEvent) =>
    call(send, 'a comment', 'POST', `${issue(t.key)}/comment`, jiraComment(e))
  return {
    async create(event) {
      const r = (await call(
        send,
        'the issue create',
        'POST',
        base + JIRA_ISSUE_PATH,
        render('jira', options, event).body,
      )) as { id?: unknown; key?: unknown } | undefined
      return ref(r?.key, r?.id)
    },
    async find(fingerprint) {
      const jql = `labels = "${fingerprintLabel(fingerprint)}" ORDER BY created DESC`
      const r = (await call(send, 'the issue search', 'POST', `${base}/rest/api/3/search/jql`, {
        jql,
        maxResults: 1,
        fields: ['summary'],
      })) as { issues?: Array<{ id?: unknown; key?: unknown }> } | undefined
      const first = Array.isArray(r?.issues) ? r.issues[0] : undefined
      return ref(first?.key, first?.id)
    },
    async note(ticket, event) {
      await comment(ticket, event)
      return 'commented'
    },
    // The comment first (recorded, so a retry does not repeat it), then the transition if configured.
    async resolve(ticket, event, done, mark) {
      if (done !== 'commented' && done !== 'transitioned') {
        await comment(ticket, event)
        await mark(ticket.key, 'commented')
      }
      if (!options.resolveTransitionId || done === 'transitioned') return done ?? 'commented'
      await call(send, 'the transition', 'POST', `${issue(ticket.key)}/transitions`, {
        transition: { id: options.resolveTransitionId },
      })
      return 'transitioned'
    },
  }
}

function serviceNow(wh: WebhookRow, send: Send): TicketSystem {
  const options = wh.options as ServiceNowOptions
  const table = ticketBase('servicenow', wh.url) + SNOW_INCIDENT_PATH
  const record = (t: Ref) => `${table}/${encodeURIComponent(t.id)}`
  type Result = { sys_id?: unknown; number?: unknown }
  return {
    async create(event) {
      const r = (await call(
        send,
        'the incident create',
        'POST',
        table,
        render('servicenow', options, event).body,
      )) as { result?: Result } | undefined
      return ref(r?.result?.number, r?.result?.sys_id)
    },
    async find(fingerprint) {
      const q = new URLSearchParams({
        sysparm_query: `correlation_id=${fingerprint}^ORDERBYDESCsys_created_on`,
        sysparm_fields: 'sys_id,number',
        sysparm_limit: '1',
      })
      const r = (await call(send, 'the incident search', 'GET', `${table}?${q}`)) as
        | { result?: Result[] }
        | undefined
      const first = Array.isArray(r?.result) ? r.result[0] : undefined
      return ref(first?.number, first?.sys_id)
    },
    async note(ticket, event) {
      const body =
        event.type === 'finding.suppressed'
          ? render('servicenow', options, event).body
          : { work_notes: ticketNote(event) }
      await call(send, 'the incident update', 'PATCH', record(ticket), body)
      return 'updated'
    },
    async resolve(ticket, event) {
      await call(
        send,
        'the incident update',
        'PATCH',
        record(ticket),
        render('servicenow', options, event).body,
      )
      return 'updated'
    },
  }
}

/** An opening untouched this much longer than its longest retry gap is taken as lost. */
const LOST_OPENING_GRACE_MS = 10 * 60_000

/**
 * When a finding's later event (resolved, reopened, suppressed) should run again, if it must wait:
 * while the subscription's finding.opened delivery of that finding is pending or retrying (its
 * receiver down, or its attempt in flight) and no ticket is remembered, acting now would find no
 * ticket (`untracked`, or a second ticket for reopened). It waits, spending no attempt, until that
 * opening is delivered (its ticket is then remembered) or `dead` (the no-ticket rule applies). An
 * opening not updated for longer than its longest retry gap plus 10 minutes (its job lost) no
 * longer holds anything up.
 */
export async function waitForOpening(deps: {
  store: Store
  settings: WebhookSettings
  delivery: WebhookDeliveryRow
  now?: number
}): Promise<{ until: Date; openingId: string } | undefined> {
  const { store, settings, delivery, now = Date.now() } = deps
  if (delivery.event_type === 'finding.opened') return undefined
  const finding = (delivery.payload as WebhookEvent).data.finding as FindingData | undefined
  if (!finding?.id) return undefined
  if (await store.webhooks.getTicket(delivery.webhook_id, finding.id)) return undefined
  const opening = await store.webhooks.unsettledOpening(delivery.webhook_id, finding.id)
  if (!opening) return undefined
  const longestGap = settings.backoffMs * 2 ** Math.max(0, settings.attempts - 2) + settings.timeoutMs
  if (now - opening.updated_at.getTime() > longestGap + LOST_OPENING_GRACE_MS) return undefined
  // Look again just after the opening's next attempt (or soon, if it is due or in flight).
  const poll = Math.min(settings.backoffMs, 5_000)
  const next = Math.max(opening.next_attempt_at?.getTime() ?? 0, now)
  return { until: new Date(next + poll), openingId: opening.id }
}

/**
 * One finding event to a ticketing system:
 * - finding.opened creates the ticket and remembers it; if one is remembered already (a retried
 *   or redelivered opening) nothing is sent. A create whose answer was lost (the worker or the
 *   connection died after sending it) is looked up by fingerprint before creating again.
 * - finding.resolved comments on the ticket and applies the configured transition (Jira), or
 *   sets the resolved state (ServiceNow).
 * - finding.reopened comments on the ticket; finding.suppressed likewise.
 * A later event whose opening delivery is not settled yet waits for it first (waitForOpening).
 * Without a remembered ticket (opened before this existed, or its opening delivery dead) the
 * system is searched by fingerprint (Jira label, ServiceNow correlation_id); if nothing is found,
 * reopened creates a ticket and resolved/suppressed send nothing (`untracked`).
 */
export async function deliverTicket(deps: {
  store: Store
  wh: WebhookRow
  delivery: WebhookDeliveryRow
  send: Send
}): Promise<void> {
  const { store, wh, delivery, send } = deps
  const event = delivery.payload as WebhookEvent
  const finding = event.data.finding as FindingData
  const system = wh.format === 'jira' ? jira(wh, send) : serviceNow(wh, send)
  const mark: Mark = (key, action) => store.webhooks.setDeliveryTicket(delivery.id, key, action)
  const remember = (r: Ref) =>
    store.webhooks.saveTicket({
      webhook_id: wh.id,
      finding_id: finding.id,
      fingerprint: finding.fingerprint,
      ticket_key: r.key,
      ticket_id: r.id,
      delivery_id: delivery.id,
    })

  const stored = await store.webhooks.getTicket(wh.id, finding.id)
  let ticket: Ref | undefined = stored ? { key: stored.ticket_key, id: stored.ticket_id } : undefined
  // A first opening has nothing to find; every other event without a ticket asks the system,
  // and so does an opening that sent a create before (its answer may have been lost).
  const firstOpening = event.type === 'finding.opened' && delivery.ticket_action === null
  if (!ticket && !firstOpening) {
    const found = await system.find(finding.fingerprint)
    if (found) {
      const saved = await remember(found)
      ticket = { key: saved.ticket_key, id: saved.ticket_id }
    }
  }

  if (event.type === 'finding.opened' || event.type === 'finding.reopened') {
    if (ticket && event.type === 'finding.opened') return mark(ticket.key, 'existing')
    if (ticket) return mark(ticket.key, await system.note(ticket, event))
    await mark(null, 'creating')
    const created = await system.create(event)
    if (created) await remember(created)
    return mark(created?.key ?? null, 'created')
  }
  if (!ticket) return mark(null, 'untracked')
  if (event.type === 'finding.resolved')
    return mark(ticket.key, await system.resolve(ticket, event, delivery.ticket_action, mark))
  return mark(ticket.key, await system.note(ticket, event))
}
