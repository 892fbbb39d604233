import { sql } from 'kysely'
import type { Db } from './database.js'

/** What platform teams tune; every field optional, absent = the configured default. */
export interface OrgSettings {
  allowedRegions?: string[]
  rules?: {
    parameters?: Record<string, Record<string, unknown>>
    disabledRules?: string[]
  }
}

export function createSettingsRepo(db: Db) {
  return {
    async get(): Promise<{ value: OrgSettings; updatedAt: Date | null; updatedBy: string | null }> {
      const row = await db.selectFrom('settings').selectAll().where('id', '=', 1).executeTakeFirst()
      return row
        ? { value: row.value as OrgSettings, updatedAt: row.updated_at, updatedBy: row.updated_by }
        : { value: {}, updatedAt: null, updatedBy: null }
    },

    async put(value: OrgSettings, by: string): Promise<void> {
      await db
        .insertInto('settings')
        .values({ id: 1, value: JSON.stringify(value), updated_by: by })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ value: JSON.stringify(value), updated_by: by, updated_at: sql`now()` }),
        )
        .execute()
    },
  }
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>
