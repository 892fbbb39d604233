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

/** The columns a list row carries as they are: all but the evidence and the times. */
const SUMMARY_COLUMNS = [
  'id',
  'fingerprint',
  'rule_id',
  'account_id',
  'account_name',
  'ou_path',
  'resource_arn',
  'severity',
  'status',
  'title',
  'first_seen_sweep',
  'last_seen_sweep',
  'suppressed_reason',
  'suppressed_by',
] as const satisfies readonly (keyof FindingRow)[]
/** The times a list row carries, as ISO 8601 text (UTC, milliseconds). */
const SUMMARY_TIMES = ['first_seen_at', 'last_seen_at', 'resolved_at', 'suppressed_until'] as const

/**
 * A finding as lists carry it: without its evidence (a finding's own read has it) and with its
 * times as the API writes them, ISO 8601 in UTC to the millisecond. Dates parsed from the wire
 * and formatted again were a tenth of the API's CPU per page (bench/api.ts).
 */
export type FindingSummaryRow = Pick<FindingRow, (typeof SUMMARY_COLUMNS)[number]> & {
  first_seen_at: string
  last_seen_at: string
  resolved_at: string | null
  suppressed_until: string | null
}

/** A time column as PostgreSQL writes a timestamp in UTC: `2026-11-28 18:31:00.123456`. */
const utcText = (column: string) => sql<string>`(${sql.ref(column)} AT TIME ZONE 'UTC')::text`

/**
 * `2026-11-28 18:31:00.123456` (ISO DateStyle, as node-postgres also assumes) to
 * `2026-11-28T18:31:00.123Z`, what Date#toISOString makes of the same instant: the fraction is
 * cut, not rounded, to milliseconds, as a Date holds it.
 */
export function isoFromUtcText(text: string): string {
  const fraction = text.length > 19 ? text.slice(20, 23).padEnd(3, '0') : '000'
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`
}

function summaryRow(row: Record<string, unknown>): FindingSummaryRow {
  for (const t of SUMMARY_TIMES) {
    const v = row[t] as string | null
    if (v !== null) row[t] = isoFromUtcText(v)
  }
  return row as FindingSummaryRow
}

export function createFindingsRepo(db: Db) {
  /**
   * A page of an OU's findings (with severity and status filters) in id order, in one statement:
   * finding_ids_in_ou (migration 0012) merges the OU's (path × severity) ranges of
   * findings_ou_severity_idx, its paths read from finding_ou_paths; finding_summaries_in_ou (0012)
   * reads the page's rows as SUMMARY_COLUMNS and SUMMARY_TIMES with a plan kept per connection.
   * Rows a concurrent sweep adds are seen by the next read, as rows inserted before a cursor are.
   */
  async function listInOu(q: FindingQuery, summary: boolean): Promise<Record<string, unknown>[]> {
    const severities = SEVERITY_ORDER.slice(q.minSeverity ? SEVERITY_ORDER.indexOf(q.minSeverity) : 0)
    const args = sql`${q.ouId}, ${[...severities]}::text[], ${q.after ?? null}::uuid, ${q.status ?? null}::text, ${q.limit}::int`
    const { rows } = summary
      ? await sql<Record<string, unknown>>`SELECT * FROM finding_summaries_in_ou(${args})`.execute(db)
      : await sql<Record<string, unknown>>`
          SELECT f.* FROM finding_ids_in_ou(${args}) page
          JOIN findings f ON f.id = page.id
          ORDER BY page.id`.execute(db)
    return rows
  }

  async function list(q: FindingQuery, summary: boolean): Promise<Record<string, unknown>[]> {
    const order = orderOf(q.sort)
    // An OU (with severity and status) is the portal's hot filter: read it by index ranges.
    if (q.ouId && !order && !q.ruleIds?.length && !q.accountId && !q.resource && !hasDates(q)) {
      return listInOu(q, summary)
    }
    let query = (summary
      ? db.selectFrom('findings').select([...SUMMARY_COLUMNS, ...SUMMARY_TIMES.map((t) => utcText(t).as(t))])
      : db.selectFrom('findings').selectAll()) as unknown as SelectQueryBuilder<
      Database,
      'findings',
      Record<string, unknown>
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
  }

  return {
    /**
     * By default paged by id, which is stable while findings change status; with a sort, by
     * (key, id), which stays exact while keys change (a row may then move across pages).
     */
    async list(q: FindingQuery): Promise<FindingRow[]> {
      return (await list(q, false)) as FindingRow[]
    },

    /** As `list`, as the findings list and its CSV export carry them (`FindingSummaryRow`). */
    async listSummaries(q: FindingQuery): Promise<FindingSummaryRow[]> {
      return (await list(q, true)).map(summaryRow)
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
