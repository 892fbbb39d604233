import { FlowProducer, Job, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import {
  type AccountJobData,
  accountJobId,
  finalizeJobId,
  JOB,
  QUEUE,
  type ScheduleJobData,
  type SweepJobData,
  sweepJobId,
  tagsJobId,
} from './names.js'

export interface QueueOptions {
  prefix: string
  accountAttempts: number
  /** First retry delay of a failed account job; doubles each attempt. */
  accountBackoffMs?: number
}

// Finished jobs are trimmed: the database is the record of sweeps, Redis only moves work.
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 }
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 }

/** BullMQ deduplication id of the account-tag refresh (see `enqueueTagRefresh`). */
const TAG_REFRESH_DEDUPLICATION = 'account-tags'

/** A job with a stable id (enqueueing twice adds it once), retried with exponential backoff. */
function retried(jobId: string, attempts: number, firstDelayMs: number) {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: firstDelayMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  }
}

export function createQueues(connection: Redis, opts: QueueOptions) {
  const base = { connection, prefix: opts.prefix }
  const sweeps = new Queue<SweepJobData>(QUEUE.sweeps, base)
  const accounts = new Queue<AccountJobData>(QUEUE.accounts, base)
  const webhooks = new Queue(QUEUE.webhooks, base)
  const schedules = new Queue<ScheduleJobData>(QUEUE.schedules, base)
  const flow = new FlowProducer(base)
  const all = [sweeps, accounts, webhooks, schedules, flow]
  return {
    sweeps,
    accounts,
    webhooks,
    /** Holds one job scheduler per enabled schedule (see src/schedules/scheduler.ts). */
    schedules,
    flow,
    /** Every queue and the flow producer, for error listeners and shutdown. */
    all,

    enqueueSweep(sweepId: string) {
      return sweeps.add(JOB.sweep, { sweepId }, retried(sweepJobId(sweepId), 3, 2_000))
    },

    /**
     * The sweep's account tag refresh: one job per sweep, retried a little, never failing the
     * sweep; one refresh at a time across workers, as each paces itself at the Organizations rate
     * and two side by side would exceed it. A sweep that starts while another's refresh runs has
     * its own kept (the latest one) and started when that one ends.
     */
    enqueueTagRefresh(sweepId: string) {
      return sweeps.add(
        JOB.tags,
        { sweepId },
        {
          ...retried(tagsJobId(sweepId), 3, 5_000),
          deduplication: { id: TAG_REFRESH_DEDUPLICATION, keepLastIfActive: true },
        },
      )
    },

    /**
     * Account jobs for accounts found while the organization is still being read. They have no
     * parent yet: `enqueueAccounts` adopts them into the sweep's flow (BullMQ attaches an existing
     * job to the parent that names it, counting it done if it has completed).
     */
    enqueueEarlyAccounts(sweepId: string, accountIds: string[]) {
      return accounts.addBulk(
        accountIds.map((accountId) => ({
          name: JOB.account,
          data: { sweepId, accountId },
          opts: retried(
            accountJobId(sweepId, accountId),
            opts.accountAttempts,
            opts.accountBackoffMs ?? 2_000,
          ),
        })),
      )
    },

    /**
     * Runs waiting account jobs now (those that kept their account until the organization was
     * stored); a job that is not waiting any more is left alone.
     */
    async wakeAccounts(sweepId: string, accountIds: string[]) {
      const wake = async (accountId: string) => {
        const job = await Job.fromId(accounts, accountJobId(sweepId, accountId))
        if (job && (await job.isDelayed())) await job.promote().catch(() => {})
      }
      // A hundred at a time: thousands of accounts may wait, each a few Redis round trips.
      for (let i = 0; i < accountIds.length; i += 100)
        await Promise.all(accountIds.slice(i, i + 100).map(wake))
    },

    /**
     * One flow: a `finalize` parent in `sweeps` whose children are the account jobs. BullMQ adds
     * the whole tree atomically, and runs the parent once every child has ended; a child that
     * fails for good is ignored by the parent rather than blocking it.
     */
    async enqueueAccounts(sweepId: string, accountIds: string[]) {
      // An early job BullMQ failed on its own (stalled too often) would hold the parent forever
      // once adopted: drop it, and the flow adds it again (its account is still unfinished).
      const prefix = accountJobId(sweepId, '')
      for (const job of await accounts.getFailed())
        if (job?.id?.startsWith(prefix) && !job.parentKey) await job.remove().catch(() => {})
      return flow.add({
        name: JOB.finalize,
        queueName: QUEUE.sweeps,
        data: { sweepId },
        opts: retried(finalizeJobId(sweepId), 5, 1_000),
        children: accountIds.map((accountId) => ({
          name: JOB.account,
          queueName: QUEUE.accounts,
          data: { sweepId, accountId },
          opts: {
            ...retried(
              accountJobId(sweepId, accountId),
              opts.accountAttempts,
              opts.accountBackoffMs ?? 2_000,
            ),
            ignoreDependencyOnFailure: true,
          },
        })),
      })
    },

    async close() {
      await Promise.allSettled(all.map((q) => q.close()))
    },
  }
}

export type Queues = ReturnType<typeof createQueues>
