import { randomUUID } from 'node:crypto'
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Db } from './database.js'
import type { Database, FindingRow } from './schema.js'

export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITY_ORDER)[number]

export interface FindingQuery {
  ruleIds?: string[]
  /** At least this severe. */
  minSeverity?: Severity
  accountId?: string
  /** The OU (or root) and every OU below it. */
  ouId?: string
  status?: 'open' | 'resolved' | 'suppressed'
  resource?: string
  after?: string
  limit: number
}

export function createFindingsRepo(db: Db) {
  return {
    /** Newest identities last: paged by id, which is stable while findings change status. */
    list(q: FindingQuery): Promise<FindingRow[]> {
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
      if (q.after) query = query.where('id', '>', q.after)
      return query.orderBy('id').limit(q.limit).execute()
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
