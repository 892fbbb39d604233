import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from './database.js'
import type { ApiTokenRow } from './schema.js'

export type TokenScope = 'read' | 'write'

// A recognisable prefix lets secret scanners and people spot a leaked Orgwarden token.
const PREFIX = 'owt_'

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function createTokensRepo(db: Db) {
  return {
    /** Returns the only copy of the token in clear; the database keeps its hash. */
    async create(name: string, scope: TokenScope): Promise<{ id: string; token: string }> {
      const token = PREFIX + randomBytes(32).toString('base64url')
      const id = randomUUID()
      await db
        .insertInto('api_tokens')
        .values({ id, name, scope, token_hash: hashToken(token) })
        .execute()
      return { id, token }
    },

    /** Registers a known token (the bootstrap admin token) once; later calls change nothing. */
    async ensure(name: string, scope: TokenScope, token: string): Promise<void> {
      await db
        .insertInto('api_tokens')
        .values({ id: randomUUID(), name, scope, token_hash: hashToken(token) })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .execute()
    },

    async findActive(token: string): Promise<ApiTokenRow | undefined> {
      return db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    },

    async touch(id: string): Promise<void> {
      await db.updateTable('api_tokens').set({ last_used_at: sql`now()` }).where('id', '=', id).execute()
    },

    list() {
      return db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'scope', 'created_at', 'last_used_at', 'revoked_at'])
        .orderBy('created_at')
        .execute()
    },

    async revoke(id: string): Promise<boolean> {
      const r = await db
        .updateTable('api_tokens')
        .set({ revoked_at: sql`now()` })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return r.numUpdatedRows > 0n
    },
  }
}

export type TokensRepo = ReturnType<typeof createTokensRepo>
