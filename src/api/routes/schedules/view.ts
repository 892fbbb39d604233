import type { SweepScope } from '../../../org/types.js'
import type { ScheduleRunView } from '../../../store/schedules-repo.js'
import type { ScheduleRow } from '../../../store/schema.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function runView(r: ScheduleRunView) {
  return {
    firedAt: r.firedAt.toISOString(),
    outcome: r.outcome,
    sweepId: r.sweepId,
    sweepStatus: r.sweepStatus,
    reason: r.reason,
  }
}

export function scheduleView(row: ScheduleRow, next: Date | null, recentRuns?: ScheduleRunView[]) {
  const scope = row.scope as SweepScope
  return {
    id: row.id,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    scope: {
      all: scope.all,
      organizationalUnitIds: scope.organizationalUnitIds,
      accountIds: scope.accountIds,
    },
    source: { type: row.source_kind, name: row.source_name },
    enabled: row.enabled,
    nextRunAt: iso(next),
    runs: {
      started: row.runs_started,
      skipped: row.runs_skipped,
      failed: row.runs_failed,
      lastFiredAt: iso(row.last_fired_at),
      lastSkippedAt: iso(row.last_skipped_at),
    },
    recentRuns: recentRuns?.map(runView),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    links: { self: `/v1/schedules/${row.id}`, runs: `/v1/schedules/${row.id}/runs` },
  }
}
