import { randomUUID } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { Store } from '../store/index.js'
import type { WebhookRow } from '../store/schema.js'
import type { NewDelivery } from '../store/webhooks-repo.js'
import {
  digestEvent,
  type EventType,
  findingEvent,
  guardrailEvent,
  guardrailEventKey,
  matches,
  sweepEvent,
  sweepEventKey,
  type WebhookEvent,
  type WebhookFilter,
} from './events.js'
import { enqueueDeliveries } from './jobs.js'
import type { WebhookSettings } from './settings.js'

interface Keyed {
  key: string
  event: WebhookEvent
}

export interface DispatchDeps {
  store: Store
  queue: Queue
  settings: WebhookSettings
}

/** Which of `events` a subscription wants, as deliveries (one per event, or one digest). */
function deliveriesFor(wh: WebhookRow, events: Keyed[], sweepId: string | null): NewDelivery[] {
  const wanted = events.filter(
    (e) => (wh.events as string[]).includes(e.event.type) && matches(wh.filter as WebhookFilter, e.event),
  )
  if (wanted.length === 0) return []
  if (wh.digest && sweepId) {
    const digest = digestEvent(
      sweepId,
      new Date(),
      wanted.map((w) => w.event),
    )
    return [
      {
        id: randomUUID(),
        webhookId: wh.id,
        eventKey: `digest:${sweepId}`,
        eventType: 'digest',
        sweepId,
        payload: digest,
      },
    ]
  }
  return wanted.map((w) => ({
    id: randomUUID(),
    webhookId: wh.id,
    eventKey: w.key,
    eventType: w.event.type,
    sweepId,
    payload: w.event,
  }))
}

async function record(deps: DispatchDeps, deliveries: NewDelivery[]): Promise<number> {
  const ids = await deps.store.webhooks.insertDeliveries(deliveries)
  await enqueueDeliveries(deps.queue, deps.settings, ids)
  return ids.length
}

/**
 * A finished sweep's events (finding transitions, guardrail verdict changes, the sweep's end)
 * become deliveries for every matching subscription. Running it again creates nothing new:
 * deliveries are unique per (subscription, event), and only new ones are enqueued.
 */
export async function dispatchSweep(deps: DispatchDeps, sweepId: string): Promise<{ deliveries: number }> {
  const { store } = deps
  const sweep = await store.sweeps.get(sweepId)
  if (!sweep || (sweep.status !== 'completed' && sweep.status !== 'failed')) return { deliveries: 0 }
  const subscriptions = await store.webhooks.enabled()
  if (subscriptions.length === 0) return { deliveries: 0 }
  const wants = (t: EventType) => subscriptions.some((s) => (s.events as string[]).includes(t))

  const events: Keyed[] = (await store.webhooks.sweepFindingEvents(sweepId)).map((row) => ({
    key: row.event_id,
    event: findingEvent(row),
  }))
  const counts = { opened: 0, resolved: 0, reopened: 0 }
  for (const e of events) counts[e.event.type.slice('finding.'.length) as keyof typeof counts]++
  if (wants('guardrail.changed') && sweep.status === 'completed') {
    const at = sweep.finished_at ?? new Date()
    for (const g of await store.webhooks.guardrailChanges(sweepId))
      events.push({ key: guardrailEventKey(sweepId, g), event: guardrailEvent(sweepId, at, g) })
  }
  events.push({ key: sweepEventKey(sweep), event: sweepEvent(sweep, counts) })

  const deliveries = subscriptions.flatMap((wh) => deliveriesFor(wh, events, sweepId))
  return { deliveries: await record(deps, deliveries) }
}

/** A suppression made through the API: the latest one of the finding, once per subscription. */
export async function dispatchSuppression(
  deps: DispatchDeps,
  findingId: string,
): Promise<{ deliveries: number }> {
  const row = await deps.store.webhooks.latestSuppression(findingId)
  if (!row) return { deliveries: 0 }
  const subscriptions = await deps.store.webhooks.enabled()
  const events = [{ key: row.event_id, event: findingEvent(row) }]
  return {
    deliveries: await record(
      deps,
      subscriptions.flatMap((wh) => deliveriesFor(wh, events, null)),
    ),
  }
}
