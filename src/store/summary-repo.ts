import { sql } from 'kysely'
import type { Db } from './database.js'
import type { Severity } from './findings-repo.js'
import type { FindingRow, SweepRow } from './schema.js'

export interface TrendPoint {
  sweep: SweepRow
  opened: number
  reopened: number
  resolved: number
  /** Findings open right after the sweep ended, replayed from lifecycle events. */
  openAfter: number
}

export interface SweepDiff {
  opened: FindingRow[]
  resolved: FindingRow[]
  openedCount: number
  resolvedCount: number
}

/** Org-wide aggregates over findings and their lifecycle events. */
export function createSummaryRepo(db: Db) {
  return {
    async openBySeverity(): Promise<Array<{ severity: Severity; n: number }>> {
      return db
        .selectFrom('findings')
        .select(['severity', sql<number>`count(*)::int`.as('n')])
        .where('status', '=', 'open')
        .groupBy('severity')
        .execute()
    },

    async openByRule(): Promise<Array<{ ruleId: string; severity: Severity; n: number }>> {
      const rows = await db
        .selectFrom('findings')
        .select(['rule_id', 'severity', sql<number>`count(*)::int`.as('n')])
        .where('status', '=', 'open')
        .groupBy(['rule_id', 'severity'])
        .execute()
      return rows.map((r) => ({ ruleId: r.rule_id, severity: r.severity, n: r.n }))
    },

    /**
     * Open findings by the top-level container of their account: `ou_path` is
     * `<org>/<root>/<top OU>/.../`, so its third segment is the top-level OU ('' under the root).
     */
    async openByTopLevel(): Promise<Array<{ root: string; top: string; severity: Severity; n: number }>> {
      return db
        .selectFrom('findings')
        .select([
          sql<string>`split_part(ou_path, '/', 2)`.as('root'),
          sql<string>`split_part(ou_path, '/', 3)`.as('top'),
          'severity',
          sql<number>`count(*)::int`.as('n'),
        ])
        .where('status', '=', 'open')
        .groupBy([sql`split_part(ou_path, '/', 2)`, sql`split_part(ou_path, '/', 3)`, 'severity'])
        .execute()
    },

    /** The last `n` completed sweeps (of one organization when given), oldest first, with their events. */
    async trend(n: number, organizationId?: string | null): Promise<TrendPoint[]> {
      const sweeps = await db
        .selectFrom('sweeps')
        .selectAll()
        .where('status', '=', 'completed')
        .$if(Boolean(organizationId), (q) => q.where('organization_id', '=', organizationId!))
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(n)
        .execute()
      if (sweeps.length === 0) return []
      const events = await db
        .selectFrom('finding_events')
        .select(['sweep_id', 'kind', sql<number>`count(*)::int`.as('n')])
        .where(
          'sweep_id',
          'in',
          sweeps.map((s) => s.id),
        )
        .groupBy(['sweep_id', 'kind'])
        .execute()
      const points: TrendPoint[] = []
      for (const sweep of sweeps.reverse()) {
        const of = (kind: string) => events.find((e) => e.sweep_id === sweep.id && e.kind === kind)?.n ?? 0
        // A finding is open after the sweep when its latest transition by then opened it. One
        // indexed pass over the events per sweep; n is capped by the route.
        const open = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM (
            SELECT DISTINCT ON (finding_id) kind FROM finding_events
            WHERE created_at <= (SELECT coalesce(finished_at, now()) FROM sweeps WHERE id = ${sweep.id}::uuid)
            ORDER BY finding_id, created_at DESC, id DESC
          ) last WHERE kind IN ('opened', 'reopened', 'unsuppressed')`.execute(db)
        points.push({
          sweep,
          opened: of('opened'),
          reopened: of('reopened'),
          resolved: of('resolved'),
          openAfter: open.rows[0]?.n ?? 0,
        })
      }
      return points
    },

    /**
     * Findings open after sweep `to` that were not open after sweep `from` (opened, or reopened),
     * and the reverse (resolved). A finding's state after a sweep is its latest sweep transition
     * (opened, reopened, resolved) among sweeps created up to that one, so transitions that cancel
     * out in between (resolved, then reopened) are not reported. Suppression is not a change.
     */
    async diff(from: SweepRow, to: SweepRow, limit: number): Promise<SweepDiff> {
      // Sweeps are ordered by (created_at, id), compared in SQL: JavaScript dates drop microseconds.
      const rows = await sql<{ id: string; change: 'opened' | 'resolved' }>`
        WITH f AS (SELECT created_at, id FROM sweeps WHERE id = ${from.id}::uuid),
        t AS (SELECT created_at, id FROM sweeps WHERE id = ${to.id}::uuid),
        ev AS (
          SELECT e.finding_id, e.kind, s.created_at, s.id AS sid,
            (s.created_at, s.id) <= (f.created_at, f.id) AS by_from,
            (s.created_at, s.id) <= (t.created_at, t.id) AS by_to
          FROM finding_events e JOIN sweeps s ON s.id = e.sweep_id CROSS JOIN f CROSS JOIN t
          WHERE e.kind IN ('opened', 'reopened', 'resolved')
        ), states AS (
          SELECT finding_id,
            (array_agg(kind ORDER BY created_at DESC, sid DESC) FILTER (WHERE by_from))[1] AS before,
            (array_agg(kind ORDER BY created_at DESC, sid DESC) FILTER (WHERE by_to))[1] AS after
          FROM ev
          WHERE finding_id IN (SELECT finding_id FROM ev WHERE by_from <> by_to)
          GROUP BY finding_id
        )
        SELECT finding_id AS id,
          CASE WHEN coalesce(after, 'resolved') IN ('opened', 'reopened') THEN 'opened' ELSE 'resolved' END AS change
        FROM states
        WHERE (coalesce(after, 'resolved') IN ('opened', 'reopened'))
          <> (coalesce(before, 'resolved') IN ('opened', 'reopened'))
        ORDER BY finding_id`.execute(db)
      const opened = rows.rows.filter((r) => r.change === 'opened').map((r) => r.id)
      const resolved = rows.rows.filter((r) => r.change === 'resolved').map((r) => r.id)
      const load = async (ids: string[]) =>
        ids.length === 0
          ? []
          : db
              .selectFrom('findings')
              .selectAll()
              .where('id', 'in', ids.slice(0, limit))
              .orderBy('id')
              .execute()
      return {
        opened: await load(opened),
        resolved: await load(resolved),
        openedCount: opened.length,
        resolvedCount: resolved.length,
      }
    },
  }
}

export type SummaryRepo = ReturnType<typeof createSummaryRepo>
