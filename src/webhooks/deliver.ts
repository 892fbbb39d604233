import { DelayedError, type Job, UnrecoverableError } from 'bullmq'
import type { Logger } from 'pino'
import type { Store } from '../store/index.js'
import type { WebhookDeliveryRow, WebhookRow } from '../store/schema.js'
import type { WebhookEvent } from './events.js'
import { render } from './formats.js'
import { postJson, RefusedTargetError, sendJson } from './http.js'
import type { DeliverData } from './jobs.js'
import type { Semaphore } from './semaphore.js'
import type { WebhookSettings } from './settings.js'
import { signatureHeaders } from './signing.js'
import { deliverTicket, type Send, waitForOpening } from './ticketing.js'

export interface DeliverDeps {
  store: Store
  settings: WebhookSettings
  semaphore: Semaphore
  log: Logger
}

/** The body and headers one delivery sends; the signature covers exactly the body sent. */
export function buildRequest(wh: WebhookRow, delivery: WebhookDeliveryRow, at = new Date()) {
  const event = delivery.payload as WebhookEvent
  // Ticketing formats have no shape for a ping: they get our generic event.
  const plain = event.type === 'ping' && (wh.format === 'jira' || wh.format === 'servicenow')
  const rendered = plain ? { body: event, headers: {} } : render(wh.format, wh.options, event)
  const body = JSON.stringify(rendered.body)
  return {
    body,
    headers: {
      ...(wh.headers as Record<string, string>),
      ...rendered.headers,
      ...signatureHeaders(wh.secret, delivery.id, body, at),
    },
  }
}

/** jira and servicenow finding events go through the ticketing API (a ping gets the generic body). */
const isTicketing = (wh: WebhookRow, delivery: WebhookDeliveryRow) =>
  (wh.format === 'jira' || wh.format === 'servicenow') && delivery.event_type.startsWith('finding.')

/** How long until BullMQ's exponential backoff runs attempt `made + 1`. */
const backoffAfter = (settings: WebhookSettings, made: number) => settings.backoffMs * 2 ** (made - 1)

/**
 * Sends one delivery. At most `max_concurrency` requests per subscription are in flight across
 * every worker (a Redis semaphore); a job without a slot waits a moment without spending an
 * attempt. A failure is recorded, then thrown so BullMQ retries it; the last one is `dead`.
 */
export function createDeliverer(deps: DeliverDeps) {
  const { store, settings, semaphore, log } = deps
  return async (job: Job<DeliverData>, token?: string) => {
    const delivery = await store.webhooks.getDelivery(job.data.deliveryId)
    if (!delivery || delivery.status === 'succeeded' || delivery.status === 'dead')
      return { skipped: delivery?.status ?? 'gone' }
    const wh = await store.webhooks.get(delivery.webhook_id)
    if (!wh) return { skipped: 'webhook deleted' }
    // A test ping goes out even while the subscription is disabled: it is how one checks a receiver.
    if (!wh.enabled && delivery.event_type !== 'ping') {
      await store.webhooks.recordAttempt(delivery.id, {
        status: 'dead',
        responseCode: null,
        latencyMs: null,
        error: 'the webhook was disabled before delivery',
        nextAttemptAt: null,
      })
      return { skipped: 'webhook disabled' }
    }

    // A finding's later event waits, without spending an attempt, for its opening to settle.
    const wait = isTicketing(wh, delivery) ? await waitForOpening({ store, settings, delivery }) : undefined
    if (wait) {
      await store.webhooks.noteWaiting(
        delivery.id,
        wait.until,
        `waiting for the finding.opened delivery ${wait.openingId} to settle`,
      )
      await job.moveToDelayed(wait.until.getTime(), token)
      throw new DelayedError()
    }

    const holder = `${job.id}:${token ?? ''}`
    if (!(await semaphore.acquire(wh.id, holder, wh.max_concurrency))) {
      await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 400), token)
      throw new DelayedError()
    }
    let status: number | null = null
    let latencyMs: number | null = null
    let error: Error | null = null
    try {
      if (isTicketing(wh, delivery)) {
        // Several requests may make one delivery: the latency is their sum, the code the last one's.
        const send: Send = async (method, url, payload) => {
          const body = payload === undefined ? '' : JSON.stringify(payload)
          const res = await sendJson(url, {
            method,
            body,
            headers: {
              ...(wh.headers as Record<string, string>),
              ...signatureHeaders(wh.secret, delivery.id, body),
            },
            timeoutMs: settings.timeoutMs,
            allowHosts: settings.allowHosts,
          })
          status = res.status
          latencyMs = (latencyMs ?? 0) + res.latencyMs
          return res
        }
        await deliverTicket({ store, wh, delivery, send })
      } else {
        const request = buildRequest(wh, delivery)
        const res = await postJson(wh.url, {
          ...request,
          timeoutMs: settings.timeoutMs,
          allowHosts: settings.allowHosts,
        })
        status = res.status
        latencyMs = res.latencyMs
        if (status < 200 || status >= 300) error = new Error(`the receiver answered ${status}`)
      }
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err))
    } finally {
      await semaphore.release(wh.id, holder)
    }

    if (!error) {
      await store.webhooks.recordAttempt(delivery.id, {
        status: 'succeeded',
        responseCode: status,
        latencyMs,
        error: null,
        nextAttemptAt: null,
      })
      return { status }
    }
    const refused = error instanceof RefusedTargetError
    const made = job.attemptsMade + 1
    const last = refused || made >= (job.opts.attempts ?? 1)
    await store.webhooks.recordAttempt(delivery.id, {
      status: last ? 'dead' : 'retrying',
      responseCode: status,
      latencyMs,
      error: error.message.slice(0, 500),
      nextAttemptAt: last ? null : new Date(Date.now() + backoffAfter(settings, made)),
    })
    log.warn(
      {
        deliveryId: delivery.id,
        webhookId: wh.id,
        responseCode: status,
        attempt: made,
        dead: last,
        reason: error.message,
      },
      'webhook delivery failed',
    )
    // A refused target will be refused again: no retries.
    throw refused ? new UnrecoverableError(error.message) : error
  }
}
