import { sql } from 'kysely'
import type { SweepScope } from '../org/types.js'
import type { Db } from './database.js'
import type { ScheduleRow, ScheduleRunOutcome, SweepRow, SweepStatus } from './schema.js'

export interface NewScheduleInput {
  id: string
  name: string
  cron: string
  timezone: string
  scope: SweepScope
  sourceKind: 'snapshot' | 'aws'
  sourceName: string
  enabled: boolean
  createdBy: string
  idempotencyKey?: string | undefined
}

export type SchedulePatch = Partial<
  Pick<NewScheduleInput, 'name' | 'cron' | 'timezone' | 'scope' | 'sourceKind' | 'sourceName' | 'enabled'>
>

export interface ScheduleRunView {
  firedAt: Date
  outcome: ScheduleRunOutcome
  sweepId: string | null
  sweepStatus: SweepStatus | null
  reason: string | null
}

/** `keepRuns`: runs kept per schedule (default 1000); the totals on the schedule row count every run. */
export function createSchedulesRepo(db: Db, { keepRuns = 1000 }: { keepRuns?: number } = {}) {
  return {
    /** Inserts a schedule; with an idempotency key already used, returns the existing one instead. */
    async create(input: NewScheduleInput): Promise<{ schedule: ScheduleRow; created: boolean }> {
      const inserted = await db
        .insertInto('schedules')
        .values({
          id: input.id,
          name: input.name,
          cron: input.cron,
          timezone: input.timezone,
          scope: JSON.stringify(input.scope),
          source_kind: input.sourceKind,
          source_name: input.sourceName,
          enabled: input.enabled,
          idempotency_key: input.idempotencyKey ?? null,
          created_by: input.createdBy,
          updated_by: input.createdBy,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (inserted) return { schedule: inserted, created: true }
      const existing = await db
        .selectFrom('schedules')
        .selectAll()
        .where('idempotency_key', '=', input.idempotencyKey!)
        .executeTakeFirstOrThrow()
      return { schedule: existing, created: false }
    },

    get(id: string): Promise<ScheduleRow | undefined> {
      return db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Newest first; `after` is the last row of the previous page. */
    list(opts: { limit: number; after?: { createdAt: Date; id: string }; enabled?: boolean }) {
      let q = db.selectFrom('schedules').selectAll()
      if (opts.enabled !== undefined) q = q.where('enabled', '=', opts.enabled)
      if (opts.after) {
        const { createdAt, id } = opts.after
        q = q.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`)
      }
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
    },

    /** Every schedule's timing, for reconciling the job schedulers with the table. */
    timings(): Promise<Array<Pick<ScheduleRow, 'id' | 'cron' | 'timezone' | 'enabled'>>> {
      return db.selectFrom('schedules').select(['id', 'cron', 'timezone', 'enabled']).execute()
    },

    async update(id: string, patch: SchedulePatch, by: string): Promise<ScheduleRow | undefined> {
      return db
        .updateTable('schedules')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.cron !== undefined && { cron: patch.cron }),
          ...(patch.timezone !== undefined && { timezone: patch.timezone }),
          ...(patch.scope !== undefined && { scope: JSON.stringify(patch.scope) }),
          ...(patch.sourceKind !== undefined && { source_kind: patch.sourceKind }),
          ...(patch.sourceName !== undefined && { source_name: patch.sourceName }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled }),
          updated_by: by,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
    },

    /** Puts a row back as it was (an update whose scheduler change failed). */
    async restore(row: ScheduleRow): Promise<void> {
      await db
        .updateTable('schedules')
        .set({
          name: row.name,
          cron: row.cron,
          timezone: row.timezone,
          scope: JSON.stringify(row.scope),
          source_kind: row.source_kind,
          source_name: row.source_name,
          enabled: row.enabled,
          updated_by: row.updated_by,
          updated_at: row.updated_at,
        })
        .where('id', '=', row.id)
        .execute()
    },

    async delete(id: string): Promise<boolean> {
      const r = await db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst()
      return r.numDeletedRows > 0n
    },

    /** The schedule's sweep that is still queued or running, if any (at most one: see 0005). */
    activeSweep(scheduleId: string): Promise<SweepRow | undefined> {
      return db
        .selectFrom('sweeps')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst()
    },

    /** The sweep a firing already created (a retried firing job), by its idempotency key. */
    sweepByKey(key: string): Promise<SweepRow | undefined> {
      return db.selectFrom('sweeps').selectAll().where('idempotency_key', '=', key).executeTakeFirst()
    },

    /**
     * Records one firing and counts it on the schedule, once: recording the same firing again (a
     * retried job) changes nothing and returns false. Keeps the newest `keepRuns` runs.
     */
    async recordRun(run: {
      scheduleId: string
      firedAt: Date
      outcome: ScheduleRunOutcome
      sweepId?: string | undefined
      reason?: string | undefined
    }): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('schedule_runs')
          .values({
            schedule_id: run.scheduleId,
            fired_at: run.firedAt,
            outcome: run.outcome,
            sweep_id: run.sweepId ?? null,
            reason: run.reason ?? null,
          })
          .onConflict((oc) => oc.columns(['schedule_id', 'fired_at']).doNothing())
          .returning('schedule_id')
          .executeTakeFirst()
        if (!inserted) return false
        await trx
          .updateTable('schedules')
          .set({
            runs_started: sql`runs_started + ${run.outcome === 'started' ? 1 : 0}`,
            runs_skipped: sql`runs_skipped + ${run.outcome === 'skipped' ? 1 : 0}`,
            runs_failed: sql`runs_failed + ${run.outcome === 'failed' ? 1 : 0}`,
            last_fired_at: sql`greatest(last_fired_at, ${run.firedAt}::timestamptz)`,
            ...(run.outcome === 'skipped' && {
              last_skipped_at: sql`greatest(last_skipped_at, ${run.firedAt}::timestamptz)`,
            }),
          })
          .where('id', '=', run.scheduleId)
          .execute()
        await trx
          .deleteFrom('schedule_runs')
          .where('schedule_id', '=', run.scheduleId)
          .where(
            'fired_at',
            '<',
            trx
              .selectFrom('schedule_runs')
              .select('fired_at')
              .where('schedule_id', '=', run.scheduleId)
              .orderBy('fired_at', 'desc')
              .offset(keepRuns - 1)
              .limit(1),
          )
          .execute()
        return true
      })
    },

    /** Runs of a schedule, newest first, with the status of the sweep each started. */
    async runs(
      scheduleId: string,
      opts: { limit: number; before?: Date; outcome?: ScheduleRunOutcome },
    ): Promise<ScheduleRunView[]> {
      let q = db
        .selectFrom('schedule_runs as r')
        .leftJoin('sweeps as s', 's.id', 'r.sweep_id')
        .select(['r.fired_at', 'r.outcome', 'r.sweep_id', 'r.reason', 's.status'])
        .where('r.schedule_id', '=', scheduleId)
      if (opts.before) q = q.where('r.fired_at', '<', opts.before)
      if (opts.outcome) q = q.where('r.outcome', '=', opts.outcome)
      const rows = await q.orderBy('r.fired_at', 'desc').limit(opts.limit).execute()
      return rows.map((r) => ({
        firedAt: r.fired_at,
        outcome: r.outcome,
        sweepId: r.sweep_id,
        sweepStatus: r.status ?? null,
        reason: r.reason,
      }))
    },
  }
}

export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>
