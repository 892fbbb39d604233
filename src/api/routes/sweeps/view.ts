import type { SweepScope } from '../../../org/types.js'
import type { SweepAccountRow, SweepRow } from '../../../store/schema.js'
import type { Progress, SweepAccounting } from '../../../store/sweeps-repo.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function sweepView(
  row: SweepRow,
  progress: Progress,
  problems?: SweepAccountRow[],
  accounting?: SweepAccounting,
) {
  const scope = row.scope as SweepScope
  return {
    id: row.id,
    status: row.status,
    source: { type: row.source_kind, name: row.source_name },
    scope: {
      all: scope.all,
      organizationalUnitIds: scope.organizationalUnitIds,
      accountIds: scope.accountIds,
    },
    requestedBy: row.requested_by,
    organizationId: row.organization_id,
    cancelRequested: row.cancel_requested,
    progress,
    error: row.error,
    timings: {
      createdAt: row.created_at.toISOString(),
      startedAt: iso(row.started_at),
      orgReadAt: iso(row.org_read_at),
      finishedAt: iso(row.finished_at),
      durationMs:
        row.started_at && row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
    },
    problems: problems?.map(accountView),
    accounting,
    links: { self: `/v1/sweeps/${row.id}`, accounts: `/v1/sweeps/${row.id}/accounts` },
  }
}

/** Finished sweeps carry frozen counts; running ones are counted live. */
export function frozenProgress(row: SweepRow): Progress {
  const done = row.collected + row.unreachable + row.failed + row.cancelled
  return {
    total: row.total,
    done,
    failed: row.unreachable + row.failed,
    byStatus: {
      pending: 0,
      running: 0,
      collected: row.collected,
      unreachable: row.unreachable,
      failed: row.failed,
      cancelled: row.cancelled,
    },
  }
}

export function accountView(a: SweepAccountRow) {
  return {
    accountId: a.account_id,
    accountName: a.account_name,
    ouPath: a.ou_path,
    status: a.status,
    reason: a.reason,
    attempts: a.attempts,
    startedAt: iso(a.started_at),
    finishedAt: iso(a.finished_at),
    stats: (a.stats as Record<string, unknown> | null) ?? null,
  }
}
