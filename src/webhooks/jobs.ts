import type { Queue } from 'bullmq'
import type { WebhookSettings } from './settings.js'

/** Jobs of the `webhooks` queue. Payloads carry ids only: never secrets, headers or bodies. */
export const WEBHOOK_JOB = {
  /** Turns a finished sweep's events into deliveries. */
  dispatchSweep: 'dispatch-sweep',
  /** Turns a suppression made through the API into deliveries. */
  dispatchSuppression: 'dispatch-suppression',
  /** Sends one delivery, with retries. */
  deliver: 'deliver',
} as const

export interface DispatchSweepData {
  sweepId: string
}
export interface DispatchSuppressionData {
  findingId: string
}
export interface DeliverData {
  deliveryId: string
}

const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 }
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 }
const DISPATCH_OPTS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
}

/** Idempotent per sweep: the job id is the sweep's, and deliveries are unique per event anyway. */
export function enqueueSweepDispatch(queue: Queue, sweepId: string) {
  return queue.add(WEBHOOK_JOB.dispatchSweep, { sweepId } satisfies DispatchSweepData, {
    ...DISPATCH_OPTS,
    jobId: `dispatch-${sweepId}`,
  })
}

export function enqueueSuppressionDispatch(queue: Queue, findingId: string) {
  return queue.add(WEBHOOK_JOB.dispatchSuppression, { findingId } satisfies DispatchSuppressionData, {
    ...DISPATCH_OPTS,
    jobId: `suppression-${findingId}-${Date.now()}`,
  })
}

export const deliveryJobId = (deliveryId: string) => `delivery-${deliveryId}`

/** One job per delivery (job id = delivery id); a redelivery is a fresh job with fresh attempts. */
export async function enqueueDeliveries(
  queue: Queue,
  settings: WebhookSettings,
  deliveryIds: string[],
  opts: { redelivery?: boolean } = {},
) {
  if (deliveryIds.length === 0) return
  const suffix = opts.redelivery ? `-r${Date.now()}` : ''
  await queue.addBulk(
    deliveryIds.map((deliveryId) => ({
      name: WEBHOOK_JOB.deliver,
      data: { deliveryId } satisfies DeliverData,
      opts: {
        jobId: deliveryJobId(deliveryId) + suffix,
        attempts: settings.attempts,
        backoff: { type: 'exponential', delay: settings.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    })),
  )
}
