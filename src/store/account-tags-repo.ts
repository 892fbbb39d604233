import { sql } from 'kysely'
import type { Db } from './database.js'

export type AccountTags = Record<string, string>

/**
 * Account tags kept across sweeps (migration 0011): what the sweep's organization snapshot is
 * given, and what a refresh beside the account phase brings up to date.
 */
export function createAccountTagsRepo(db: Db) {
  return {
    /** The kept tags of these accounts (those never read are absent). */
    async get(accountIds: readonly string[]): Promise<Map<string, AccountTags>> {
      const out = new Map<string, AccountTags>()
      for (let i = 0; i < accountIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('account_tags')
          .select(['account_id', 'tags'])
          .where('account_id', 'in', accountIds.slice(i, i + CHUNK))
          .execute()
        for (const row of rows) out.set(row.account_id, row.tags)
      }
      return out
    },

    /** Accounts whose tags were never read, or read before `readBefore`, in the order given. */
    async stale(accountIds: readonly string[], readBefore: Date): Promise<string[]> {
      const fresh = new Set<string>()
      for (let i = 0; i < accountIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('account_tags')
          .select('account_id')
          .where('account_id', 'in', accountIds.slice(i, i + CHUNK))
          .where('read_at', '>=', readBefore)
          .execute()
        for (const row of rows) fresh.add(row.account_id)
      }
      return accountIds.filter((id) => !fresh.has(id))
    },

    /** Keeps what was just read (one statement per call). */
    async save(tags: ReadonlyMap<string, AccountTags>, readAt = new Date()): Promise<void> {
      if (tags.size === 0) return
      await db
        .insertInto('account_tags')
        .values(
          [...tags].map(([accountId, t]) => ({
            account_id: accountId,
            tags: JSON.stringify(t),
            read_at: readAt,
          })),
        )
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({
            tags: (eb) => eb.ref('excluded.tags'),
            read_at: sql`excluded.read_at`,
          }),
        )
        .execute()
    },
  }
}

/** Account ids per IN list. */
const CHUNK = 1_000

export type AccountTagsRepo = ReturnType<typeof createAccountTagsRepo>
