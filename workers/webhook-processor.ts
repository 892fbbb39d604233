import { type Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUE } from '../src/queue/names.js'
import { createDeliverer } from '../src/webhooks/deliver.js'
import { dispatchSuppression, dispatchSweep } from '../src/webhooks/dispatch.js'
import {
  type DeliverData,
  type DispatchSuppressionData,
  type DispatchSweepData,
  WEBHOOK_JOB,
} from '../src/webhooks/jobs.js'
import { createSemaphore, type Semaphore } from '../src/webhooks/semaphore.js'
import { DEFAULT_WEBHOOK_SETTINGS } from '../src/webhooks/settings.js'
import type { WorkerDeps } from './deps.js'

/** The `webhooks` queue: dispatch jobs fan a sweep's events out into deliveries, deliver jobs send them. */
export function createWebhookProcessor(deps: WorkerDeps, semaphore: Semaphore) {
  const settings = deps.webhooks ?? DEFAULT_WEBHOOK_SETTINGS
  const dispatch = { store: deps.store, queue: deps.queues.webhooks, settings }
  const deliver = createDeliverer({ store: deps.store, settings, semaphore, log: deps.log })
  return async (job: Job, token?: string) => {
    switch (job.name) {
      case WEBHOOK_JOB.dispatchSweep:
        return dispatchSweep(dispatch, (job.data as DispatchSweepData).sweepId)
      case WEBHOOK_JOB.dispatchSuppression:
        return dispatchSuppression(dispatch, (job.data as DispatchSuppressionData).findingId)
      case WEBHOOK_JOB.deliver:
        return deliver(job as Job<DeliverData>, token)
      default:
        throw new Error(`unknown webhooks job ${job.name}`)
    }
  }
}

/** The webhooks Worker: its concurrency is per process; per subscription the semaphore limits. */
export function createWebhookWorker(
  deps: WorkerDeps,
  common: {
    connection: Redis
    prefix: string
    lockDuration: number
    stalledInterval: number
    maxStalledCount: number
  },
) {
  const settings = deps.webhooks ?? DEFAULT_WEBHOOK_SETTINGS
  const semaphore = createSemaphore(common.connection, common.prefix, settings.timeoutMs + 5_000)
  return new Worker(QUEUE.webhooks, createWebhookProcessor(deps, semaphore), {
    ...common,
    concurrency: settings.workerConcurrency,
  })
}
