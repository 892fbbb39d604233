/** Queue names and job payloads. Payloads carry ids only: never credentials or documents. */

export const QUEUE = {
  sweeps: 'sweeps',
  accounts: 'accounts',
  webhooks: 'webhooks',
  /** Job schedulers of the sweep schedules, and their firings. */
  schedules: 'schedules',
} as const

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE]

export const JOB = {
  /** Reads the organization, records the plan, fans out account jobs. */
  sweep: 'sweep',
  /** Parent of the account jobs: runs once they have all ended. */
  finalize: 'finalize',
  account: 'account',
  /** Reads the account tags the store holds no recent copy of, beside the sweep's account phase. */
  tags: 'tags',
  /** A schedule's timetable came due: start its sweep, or record the firing as skipped. */
  scheduleFire: 'schedule-fire',
} as const

export interface SweepJobData {
  sweepId: string
}

export interface ScheduleJobData {
  scheduleId: string
}

export interface AccountJobData {
  sweepId: string
  accountId: string
}

// BullMQ job ids may not contain ':'; these ids make enqueueing idempotent.
export const sweepJobId = (sweepId: string) => `sweep-${sweepId}`
export const finalizeJobId = (sweepId: string) => `finalize-${sweepId}`
export const tagsJobId = (sweepId: string) => `tags-${sweepId}`
/** One BullMQ job scheduler per schedule; its firings get ids `repeat:<schedulerId>:<fire millis>`. */
export const scheduleSchedulerId = (scheduleId: string) => `schedule-${scheduleId}`
export const accountJobId = (sweepId: string, accountId: string) => `account-${sweepId}-${accountId}`
