import { randomUUID } from 'node:crypto'
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from './database.js'
import {
  type FindingSort,
  orderOf,
  pastPosition,
  SEVERITY_ORDER,
  type Severity,
  type SortKey,
} from './findings-order.js'
import type { Database, FindingRow } from './schema.js'

export {
  FINDING_SORTS,
  type FindingSort,
  isSortKey,
  SEVERITY_ORDER,
  type Severity,
  type SortKey,
  sortKeyOf,
} from './findings-order.js'

export interface FindingQuery {
  ruleIds?: string[]
  /** At least this severe. */
  minSeverity?: Severity
  accountId?: string
  /** The OU (or root) and every OU below it. */
  ouId?: string
  status?: 'open' | 'resolved' | 'suppressed'
  resource?: string
  /** First seen at or after this instant. */
  firstSeenAfter?: Date
  /** First seen strictly before this instant. */
  firstSeenBefore?: Date
  /** Last seen at or after this instant. */
  lastSeenAfter?: Date
  /** Last seen strictly before this instant. */
  lastSeenBefore?: Date
  /** Default `id`; the others sort by severity or a date, then by id, `-` for descending. */
  sort?: FindingSort
  /** The id of the last row of the previous page. */
  after?: string
  /** With a sort other than id: the sort key of that row (`sortKeyOf`). */
  afterKey?: SortKey
  limit: number
}

const hasDates = (q: FindingQuery) =>
  q.firstSeenAfter !== undefined ||
  q.firstSeenBefore !== undefined ||
  q.lastSeenAfter !== undefined ||
  q.lastSeenBefore !== undefined

/**
 * Up to this many (OU path × severity) ranges, an OU page is read range by range from
 * findings_ou_severity_idx; beyond it (a wide OU, no severity floor) walking the table in id
 * order finds a page sooner. Measured with bench/api.ts.
 */
const MAX_OU_RANGES = 48

export function createFindingsRepo(db: Db) {
  /** The distinct OU paths findings carry that contain the OU: a skip scan of the OU index. */
  async function ouPathsContaining(ouId: string): Promise<string[]> {
    const { rows } = await sql<{ path: string }>`
      WITH RECURSIVE paths(path) AS (
        SELECT min(ou_path) FROM findings
        UNION ALL
        SELECT (SELECT min(f.ou_path) FROM findings f WHERE f.ou_path > p.path)
        FROM paths p WHERE p.path IS NOT NULL
      )
      SELECT path FROM paths WHERE path LIKE ${`%/${escapeLike(ouId)}/%`}`.execute(db)
    return rows.map((r) => r.path)
  }

  /**
   * A page of an OU's findings at given severities: the first `limit` ids of each (path,
   * severity) range in id order, from the index alone, then the first `limit` of those.
   * Rows a concurrent sweep adds under a path new to the table are seen by the next read, as
   * rows inserted before a cursor are.
   */
  async function listByOuRanges(
    paths: string[],
    severities: readonly Severity[],
    q: FindingQuery,
  ): Promise<FindingRow[]> {
    const { rows } = await sql<FindingRow>`
      SELECT f.* FROM findings f JOIN (
        SELECT r.id FROM unnest(${paths}::text[]) p(path) CROSS JOIN unnest(${[...severities]}::text[]) s(severity),
          LATERAL (
            SELECT i.id FROM findings i
            WHERE i.ou_path = p.path AND i.severity = s.severity
              ${q.status ? sql`AND i.status = ${q.status}` : sql``}
              ${q.after ? sql`AND i.id > ${q.after}` : sql``}
            ORDER BY i.id LIMIT ${q.limit}
          ) r
        ORDER BY r.id LIMIT ${q.limit}
      ) page ON page.id = f.id
      ORDER BY f.id`.execute(db)
    return rows
  }

  return {
    /**
     * By default paged by id, which is stable while findings change status; with a sort, by
     * (key, id), which stays exact while keys change (a row may then move across pages).
     */
    async list(q: FindingQuery): Promise<FindingRow[]> {
      const order = orderOf(q.sort)
      // An OU (with severity and status) is the portal's hot filter: read it by index ranges.
      if (q.ouId && !order && !q.ruleIds?.length && !q.accountId && !q.resource && !hasDates(q)) {
        const paths = await ouPathsContaining(q.ouId)
        if (paths.length === 0) return []
        const severities = SEVERITY_ORDER.slice(q.minSeverity ? SEVERITY_ORDER.indexOf(q.minSeverity) : 0)
        if (paths.length * severities.length <= MAX_OU_RANGES) return listByOuRanges(paths, severities, q)
      }
      let query = db.selectFrom('findings').selectAll() as SelectQueryBuilder<
        Database,
        'findings',
        FindingRow
      >
      if (q.ruleIds?.length) query = query.where('rule_id', 'in', q.ruleIds)
      if (q.minSeverity) {
        query = query.where('severity', 'in', SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(q.minSeverity)))
      }
      if (q.accountId) query = query.where('account_id', '=', q.accountId)
      if (q.ouId) query = query.where('ou_path', 'like', `%/${escapeLike(q.ouId)}/%`)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.resource) query = query.where('resource_arn', 'like', `%${escapeLike(q.resource)}%`)
      if (q.firstSeenAfter) query = query.where('first_seen_at', '>=', q.firstSeenAfter)
      if (q.firstSeenBefore) query = query.where('first_seen_at', '<', q.firstSeenBefore)
      if (q.lastSeenAfter) query = query.where('last_seen_at', '>=', q.lastSeenAfter)
      if (q.lastSeenBefore) query = query.where('last_seen_at', '<', q.lastSeenBefore)
      if (!order) {
        if (q.after) query = query.where('id', '>', q.after)
        return query.orderBy('id').limit(q.limit).execute()
      }
      if (q.after !== undefined && q.afterKey !== undefined)
        query = query.where(pastPosition(order, q.afterKey, q.after))
      const direction = order.descending ? 'desc' : 'asc'
      return query.orderBy(order.key(), direction).orderBy('id', direction).limit(q.limit).execute()
    },

    get(id: string) {
      return db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Suppresses an open finding; it stays suppressed (and notifies no one) until `until`. */
    async suppress(id: string, by: string, reason: string, until: Date | null) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('findings')
          .set({
            status: 'suppressed',
            suppressed_reason: reason,
            suppressed_until: until,
            suppressed_by: by,
            suppressed_at: sql`now()`,
          })
          .where('id', '=', id)
          .where('status', 'in', ['open', 'suppressed'])
          .returningAll()
          .executeTakeFirst()
        if (row) {
          await trx
            .insertInto('finding_events')
            .values({ id: randomUUID(), finding_id: id, sweep_id: null, kind: 'suppressed' })
            .execute()
        }
        return row
      })
    },

    async unsuppress(id: string) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('findings')
          .set({
            status: 'open',
            suppressed_reason: null,
            suppressed_until: null,
            suppressed_by: null,
            suppressed_at: null,
          })
          .where('id', '=', id)
          .where('status', '=', 'suppressed')
          .returningAll()
          .executeTakeFirst()
        if (row) {
          await trx
            .insertInto('finding_events')
            .values({ id: randomUUID(), finding_id: id, sweep_id: null, kind: 'unsuppressed' })
            .execute()
        }
        return row
      })
    },
  }
}

export type FindingsRepo = ReturnType<typeof createFindingsRepo>

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}
