import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUE } from '../src/queue/names.js'
import { reconcileSchedulers } from '../src/schedules/scheduler.js'
import { createAccountProcessor } from './account-processor.js'
import type { WorkerDeps } from './deps.js'
import { createScheduleProcessor } from './schedule-processor.js'
import { createSweepProcessor } from './sweep-processor.js'
import { createWebhookWorker } from './webhook-processor.js'

export interface WorkerOptions {
  /** Redis connection for the workers (maxRetriesPerRequest: null); BullMQ duplicates it as needed. */
  connection: Redis
  prefix: string
  accountConcurrency: number
  /** How long a job stays locked to its worker; a crashed worker's jobs return after about this long. */
  lockDurationMs?: number
  /** How often the schedules' job schedulers are checked against the table; default 5 minutes. */
  schedulesReconcileMs?: number
}

export interface Workers {
  workers: Worker[]
  /** Settles once the schedules' job schedulers match the table (failures are logged). */
  schedulesReconciled: Promise<void>
  close(): Promise<void>
}

export function startWorkers(deps: WorkerDeps, opts: WorkerOptions): Workers {
  const lockDuration = opts.lockDurationMs ?? 30_000
  const common = {
    connection: opts.connection,
    prefix: opts.prefix,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 2,
  }
  const sweeps = new Worker(QUEUE.sweeps, createSweepProcessor(deps), { ...common, concurrency: 2 })
  const accounts = new Worker(QUEUE.accounts, createAccountProcessor(deps), {
    ...common,
    concurrency: opts.accountConcurrency,
  })
  const schedules = new Worker(QUEUE.schedules, createScheduleProcessor(deps), { ...common, concurrency: 2 })
  const workers = [sweeps, accounts, schedules, createWebhookWorker(deps, common)]
  for (const w of workers) {
    // Without a listener an 'error' event would crash the process; Redis hiccups are survivable.
    w.on('error', (err) => deps.log.error({ err, queue: w.name }, 'worker error'))
  }
  const reconcile = () =>
    reconcileSchedulers(deps.store, deps.queues, deps.log).then(
      () => {},
      (err) => deps.log.error({ err }, 'schedules: could not reconcile job schedulers with the table'),
    )
  const schedulesReconciled = reconcile()
  // And now and then: a Redis flushed (or unreachable at start) while workers run heals without a restart.
  const reconcileTimer = setInterval(reconcile, opts.schedulesReconcileMs ?? 5 * 60_000)
  reconcileTimer.unref()
  return {
    workers,
    schedulesReconciled,
    async close() {
      clearInterval(reconcileTimer)
      // Sweep jobs that listen to their abort signal stop now instead of holding the shutdown: an
      // organization read goes back to the queue, a tag refresh ends with what it saved.
      sweeps.cancelAllJobs('the worker is closing')
      await Promise.allSettled(workers.map((w) => w.close()))
    },
  }
}
