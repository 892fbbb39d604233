import { type Kysely, sql, type Transaction } from 'kysely'
import type { OrgSnapshot, SweepScope } from '../org/types.js'
import type { Db } from './database.js'
import { type AccountFindings, applyAccountFindings } from './findings-lifecycle.js'
import type { AccountOutcome, Database, SweepAccountRow, SweepRow, SweepStatus } from './schema.js'

export interface NewSweepInput {
  id: string
  sourceKind: 'snapshot' | 'aws'
  sourceName: string
  scope: SweepScope
  requestedBy: string
  idempotencyKey?: string | undefined
  /** The settings in force when the sweep was asked for. */
  settings?: unknown
  /** Set when a schedule starts the sweep; the database allows one queued/running sweep per schedule. */
  scheduleId?: string | undefined
}

export interface AccountPlan {
  accountId: string
  accountName: string
  ouPath: string
}

export interface GuardrailRow {
  guardrailId: string
  verdict: 'enforced' | 'not-enforced' | 'exempted' | 'not-applicable'
  evidence: unknown
}

/** What an account job writes, all in one transaction. */
export interface AccountResults {
  /** API calls, retries and timings of the attempt; kept for unreachable and failed accounts too. */
  stats?: unknown
  /** The raw responses the state was normalized from, as JSON, for the snapshot export. */
  rawJson?: string | undefined
  guardrails?: GuardrailRow[]
  /** Only for a complete collection: an unreachable account confirms and resolves nothing. */
  findings?: AccountFindings
}

export interface Progress {
  total: number
  done: number
  failed: number
  byStatus: Record<AccountOutcome, number>
}

/**
 * The AWS accounting of a sweep, summed over its accounts' stored call statistics
 * (`sweep_accounts.stats.api`, written when an account finishes). Accounts without call
 * statistics (a snapshot source) are not counted.
 */
export interface SweepAccounting {
  /** Accounts whose attempt recorded call statistics. */
  accounts: number
  totalCalls: number
  /** Requests per `service:Operation`, summed over the accounts. */
  callsByOperation: Record<string, number>
  /** Extra HTTP attempts the SDK made (throttling, 5xx, network errors). */
  retries: number
  /** Answers that asked us to slow down. */
  throttled: number
  /** Failed calls after the SDK's retries (gaps, refusals). */
  errors: number
  /** Response bytes as announced by Content-Length: a lower bound. */
  responseBytes: number
  callsPerAccount: { mean: number | null; max: number | null; maxAccountId: string | null }
  durationMsPerAccount: { mean: number | null; max: number | null }
}

const FINAL: AccountOutcome[] = ['collected', 'unreachable', 'failed', 'cancelled']

export function createSweepsRepo(db: Db) {
  return {
    /** Inserts a sweep; with an idempotency key already used, returns the existing sweep instead. */
    async create(input: NewSweepInput): Promise<{ sweep: SweepRow; created: boolean }> {
      const inserted = await db
        .insertInto('sweeps')
        .values({
          id: input.id,
          status: 'queued',
          source_kind: input.sourceKind,
          source_name: input.sourceName,
          scope: JSON.stringify(input.scope),
          requested_by: input.requestedBy,
          idempotency_key: input.idempotencyKey ?? null,
          settings: JSON.stringify(input.settings ?? {}),
          schedule_id: input.scheduleId ?? null,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (inserted) return { sweep: inserted, created: true }
      const existing = await db
        .selectFrom('sweeps')
        .selectAll()
        .where('idempotency_key', '=', input.idempotencyKey!)
        .executeTakeFirstOrThrow()
      return { sweep: existing, created: false }
    },

    get(id: string): Promise<SweepRow | undefined> {
      return db.selectFrom('sweeps').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Newest first; `after` is the last row of the previous page. */
    list(opts: { limit: number; after?: { createdAt: Date; id: string }; status?: SweepStatus }) {
      let q = db.selectFrom('sweeps').selectAll()
      if (opts.status) q = q.where('status', '=', opts.status)
      if (opts.after) {
        const { createdAt, id } = opts.after
        q = q.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`)
      }
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
    },

    /** queued → running; returns false when the sweep is gone or already past running. */
    async markRunning(id: string): Promise<boolean> {
      const r = await db
        .updateTable('sweeps')
        .set({ status: 'running', started_at: sql`coalesce(started_at, now())` })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst()
      return r.numUpdatedRows > 0n
    },

    /**
     * Stores the org snapshot and the accounts planned for the sweep in one transaction, so a
     * crash leaves either nothing or the whole plan. Running it again (a retried job) changes
     * nothing: the first plan stands.
     */
    async recordPlan(id: string, org: OrgSnapshot, accounts: AccountPlan[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const fresh = await trx
          .insertInto('org_snapshots')
          .values({ sweep_id: id, organization_id: org.organization.id, snapshot: JSON.stringify(org) })
          .onConflict((oc) => oc.column('sweep_id').doNothing())
          .returning('sweep_id')
          .executeTakeFirst()
        if (!fresh) return
        await insertPlan(trx, id, accounts)
        await trx
          .updateTable('sweeps')
          .set({
            organization_id: org.organization.id,
            org_read_at: sql`coalesce(org_read_at, now())`,
            total: sql`(SELECT count(*)::int FROM sweep_accounts WHERE sweep_id = ${id})`,
          })
          .where('id', '=', id)
          .execute()
      })
    },

    /**
     * Plans accounts found while the organization is still being read (their collection starts
     * at once); `recordPlan` adds the rest. Accounts already planned are left as they are.
     */
    async planAccounts(id: string, accounts: AccountPlan[]): Promise<void> {
      await insertPlan(db, id, accounts)
    },

    /**
     * Keeps an account collected before its sweep's organization was stored, to be judged once it
     * is: its state, raw responses and stats, with the account still `running`. Returns false,
     * writing nothing, when the organization is stored by now (judge the account at once). The
     * share lock on the sweep orders this against `recordPlan`: an account kept here is committed
     * before the organization is, so whoever stores the organization finds it (`deferredAccountIds`).
     */
    async deferAccount(
      sweepId: string,
      accountId: string,
      state: unknown,
      stats: unknown,
      rawJson: string | undefined,
    ): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const sweep = await trx
          .selectFrom('sweeps')
          .select('org_read_at')
          .where('id', '=', sweepId)
          .forShare()
          .executeTakeFirst()
        if (!sweep || sweep.org_read_at) return false
        await upsertSnapshot(trx, sweepId, accountId, state, rawJson)
        await trx
          .updateTable('sweep_accounts')
          .set({ stats: JSON.stringify(stats) })
          .where('sweep_id', '=', sweepId)
          .where('account_id', '=', accountId)
          .execute()
        return true
      })
    },

    /** A kept account's state and stats, while it waits to be judged (`running`). */
    async deferredAccount(
      sweepId: string,
      accountId: string,
    ): Promise<{ state: unknown; stats: unknown } | undefined> {
      const row = await db
        .selectFrom('account_snapshots as s')
        .innerJoin('sweep_accounts as a', (j) =>
          j.onRef('a.sweep_id', '=', 's.sweep_id').onRef('a.account_id', '=', 's.account_id'),
        )
        .select(['s.state', 'a.stats'])
        .where('s.sweep_id', '=', sweepId)
        .where('s.account_id', '=', accountId)
        .where('a.status', '=', 'running')
        .executeTakeFirst()
      return row && { state: JSON.parse(row.state), stats: row.stats }
    },

    /**
     * Accounts started and not finished: among them those waiting for the organization (kept by
     * `deferAccount`, or found unreachable before it was stored).
     */
    startedAccountIds(sweepId: string): Promise<string[]> {
      return db
        .selectFrom('sweep_accounts')
        .select('account_id')
        .where('sweep_id', '=', sweepId)
        .where('status', '=', 'running')
        .execute()
        .then((rows) => rows.map((r) => r.account_id))
    },

    plannedAccountIds(id: string): Promise<string[]> {
      return db
        .selectFrom('sweep_accounts')
        .select('account_id')
        .where('sweep_id', '=', id)
        .orderBy('account_id')
        .execute()
        .then((rows) => rows.map((r) => r.account_id))
    },

    /**
     * Claims an account for an attempt. Returns undefined when the account already has a final
     * outcome (a job redelivered after its work was committed must not redo it).
     */
    async startAccount(sweepId: string, accountId: string): Promise<SweepAccountRow | undefined> {
      return db
        .updateTable('sweep_accounts')
        .set({ status: 'running', attempts: sql`attempts + 1`, started_at: sql`coalesce(started_at, now())` })
        .where('sweep_id', '=', sweepId)
        .where('account_id', '=', accountId)
        .where('status', 'in', ['pending', 'running'])
        .returningAll()
        .executeTakeFirst()
    },

    /** Writes the account's state, results and outcome together, or nothing. */
    async completeAccount(
      sweepId: string,
      accountId: string,
      state: unknown,
      stats: unknown,
      results: AccountResults = {},
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await writeResults(trx, sweepId, accountId, results)
        // A kept account (deferAccount) has its state stored already.
        if (state !== KEPT) await upsertSnapshot(trx, sweepId, accountId, state, results.rawJson)
        await trx
          .updateTable('sweep_accounts')
          .set({ status: 'collected', reason: null, stats: JSON.stringify(stats), finished_at: sql`now()` })
          .where('sweep_id', '=', sweepId)
          .where('account_id', '=', accountId)
          .execute()
      })
    },

    /** Records an outcome without collected state; guardrails can still be judged from the org. */
    async finishAccount(
      sweepId: string,
      accountId: string,
      status: 'unreachable' | 'failed' | 'cancelled',
      reason: string,
      results: AccountResults = {},
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('sweep_accounts')
          .set({
            status,
            reason,
            finished_at: sql`now()`,
            ...(results.stats !== undefined ? { stats: JSON.stringify(results.stats) } : {}),
          })
          .where('sweep_id', '=', sweepId)
          .where('account_id', '=', accountId)
          .where('status', 'in', ['pending', 'running'])
          .executeTakeFirst()
        if (r.numUpdatedRows > 0n) await writeResults(trx, sweepId, accountId, results)
      })
    },

    /** The newest completed sweep: what "latest" means for guardrails, simulation and what-if. */
    async latestCompleted(): Promise<SweepRow | undefined> {
      return db
        .selectFrom('sweeps')
        .selectAll()
        .where('status', '=', 'completed')
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
    },

    async orgSnapshot(sweepId: string): Promise<OrgSnapshot | undefined> {
      const row = await db
        .selectFrom('org_snapshots')
        .select('snapshot')
        .where('sweep_id', '=', sweepId)
        .executeTakeFirst()
      return row?.snapshot as OrgSnapshot | undefined
    },

    async progress(sweepId: string): Promise<Progress> {
      const rows = await db
        .selectFrom('sweep_accounts')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('sweep_id', '=', sweepId)
        .groupBy('status')
        .execute()
      const byStatus: Record<AccountOutcome, number> = {
        pending: 0,
        running: 0,
        collected: 0,
        unreachable: 0,
        failed: 0,
        cancelled: 0,
      }
      for (const r of rows) byStatus[r.status] = r.n
      const total = Object.values(byStatus).reduce((a, b) => a + b, 0)
      const done = FINAL.reduce((a, s) => a + byStatus[s], 0)
      return { total, done, failed: byStatus.failed + byStatus.unreachable, byStatus }
    },

    /**
     * Sums the stored per-account call statistics in SQL: two aggregate queries over the sweep's
     * rows (primary-key range), so a 5,000-account sweep is read in one pass, not shipped whole.
     */
    async accounting(sweepId: string): Promise<SweepAccounting> {
      const api = sql`stats -> 'api'`
      const num = (field: string) => sql<number>`coalesce(sum((${api} ->> ${field})::bigint), 0)::float8`
      const [totals, ops, top] = await Promise.all([
        db
          .selectFrom('sweep_accounts')
          .select([
            sql<number>`count(*)::int`.as('accounts'),
            num('totalCalls').as('total_calls'),
            num('retries').as('retries'),
            num('throttled').as('throttled'),
            num('responseBytes').as('response_bytes'),
            sql<number>`coalesce(sum((SELECT sum(v::bigint) FROM jsonb_each_text(${api} -> 'errors') AS e(k, v))), 0)::float8`.as(
              'errors',
            ),
            sql<number | null>`avg((${api} ->> 'totalCalls')::float8)`.as('mean_calls'),
            sql<number | null>`max((${api} ->> 'totalCalls')::int)`.as('max_calls'),
            sql<number | null>`avg((stats ->> 'durationMs')::float8)`.as('mean_ms'),
            sql<number | null>`max((stats ->> 'durationMs')::int)`.as('max_ms'),
          ])
          .where('sweep_id', '=', sweepId)
          .where(sql<boolean>`jsonb_typeof(${api}) = 'object'`)
          .executeTakeFirstOrThrow(),
        sql<{ op: string; n: number }>`
          SELECT c.key AS op, sum(c.value::bigint)::float8 AS n
          FROM sweep_accounts, jsonb_each_text(sweep_accounts.stats -> 'api' -> 'calls') AS c
          WHERE sweep_id = ${sweepId} AND jsonb_typeof(stats -> 'api' -> 'calls') = 'object'
          GROUP BY c.key ORDER BY c.key`
          .execute(db)
          .then((r) => r.rows),
        db
          .selectFrom('sweep_accounts')
          .select('account_id')
          .where('sweep_id', '=', sweepId)
          .where(sql<boolean>`jsonb_typeof(${api}) = 'object'`)
          .orderBy(sql`(${api} ->> 'totalCalls')::int`, 'desc')
          .orderBy('account_id')
          .limit(1)
          .executeTakeFirst(),
      ])
      const round = (n: number | null) => (n === null ? null : Math.round(Number(n) * 10) / 10)
      return {
        accounts: totals.accounts,
        totalCalls: Number(totals.total_calls),
        callsByOperation: Object.fromEntries(ops.map((o) => [o.op, Number(o.n)])),
        retries: Number(totals.retries),
        throttled: Number(totals.throttled),
        errors: Number(totals.errors),
        responseBytes: Number(totals.response_bytes),
        callsPerAccount: {
          mean: round(totals.mean_calls),
          max: totals.max_calls === null ? null : Number(totals.max_calls),
          maxAccountId: top?.account_id ?? null,
        },
        durationMsPerAccount: {
          mean: round(totals.mean_ms),
          max: totals.max_ms === null ? null : Number(totals.max_ms),
        },
      }
    },

    accounts(sweepId: string, opts: { limit: number; after?: string; status?: AccountOutcome }) {
      let q = db.selectFrom('sweep_accounts').selectAll().where('sweep_id', '=', sweepId)
      if (opts.status) q = q.where('status', '=', opts.status)
      if (opts.after) q = q.where('account_id', '>', opts.after)
      return q.orderBy('account_id').limit(opts.limit).execute()
    },

    async requestCancel(id: string): Promise<SweepRow | undefined> {
      return db
        .updateTable('sweeps')
        .set({ cancel_requested: true })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
    },

    async isCancelRequested(id: string): Promise<boolean> {
      const row = await db
        .selectFrom('sweeps')
        .select('cancel_requested')
        .where('id', '=', id)
        .executeTakeFirst()
      return row?.cancel_requested ?? true
    },

    /**
     * Closes the sweep: any account still without an outcome (its job was lost) is marked, the
     * counts are frozen into the sweep row and the final status is set. Idempotent.
     */
    async finish(id: string, opts: { error?: string } = {}): Promise<SweepRow | undefined> {
      return db.transaction().execute(async (trx) => {
        const sweep = await trx
          .selectFrom('sweeps')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst()
        if (!sweep) return undefined
        if (['completed', 'failed', 'cancelled'].includes(sweep.status)) return sweep
        const leftover = sweep.cancel_requested ? 'cancelled' : 'failed'
        await trx
          .updateTable('sweep_accounts')
          .set({
            status: leftover,
            reason: sweep.cancel_requested ? 'sweep cancelled' : 'account job ended without a result',
            finished_at: sql`now()`,
          })
          .where('sweep_id', '=', id)
          .where('status', 'in', ['pending', 'running'])
          .execute()
        const status: SweepStatus = opts.error ? 'failed' : sweep.cancel_requested ? 'cancelled' : 'completed'
        const count = (s: AccountOutcome) =>
          sql<number>`(SELECT count(*)::int FROM sweep_accounts WHERE sweep_id = ${id} AND status = ${s})`
        return trx
          .updateTable('sweeps')
          .set({
            status,
            error: opts.error ?? null,
            total: sql`(SELECT count(*)::int FROM sweep_accounts WHERE sweep_id = ${id})`,
            collected: count('collected'),
            unreachable: count('unreachable'),
            failed: count('failed'),
            cancelled: count('cancelled'),
            findings_count: sql`(SELECT count(*)::int FROM findings WHERE last_seen_sweep = ${id})`,
            finished_at: sql`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst()
      })
    },

    /** An account's collected state in a sweep (its raw responses are left out: see the snapshot export). */
    async accountSnapshot(sweepId: string, accountId: string): Promise<{ state: unknown } | undefined> {
      const row = await db
        .selectFrom('account_snapshots')
        .select('state')
        .where('sweep_id', '=', sweepId)
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row && { state: JSON.parse(row.state) }
    },
  }
}

export type SweepsRepo = ReturnType<typeof createSweepsRepo>

/** `completeAccount`'s state for an account kept by `deferAccount`: its state is stored already. */
export const KEPT: unique symbol = Symbol('kept account state')

async function insertPlan(db: Kysely<Database>, sweepId: string, accounts: AccountPlan[]) {
  // Chunked: PostgreSQL caps a statement at 65,535 parameters.
  for (let i = 0; i < accounts.length; i += 1000) {
    const chunk = accounts.slice(i, i + 1000)
    await db
      .insertInto('sweep_accounts')
      .values(
        chunk.map((a) => ({
          sweep_id: sweepId,
          account_id: a.accountId,
          account_name: a.accountName,
          ou_path: a.ouPath,
          status: 'pending' as const,
        })),
      )
      .onConflict((oc) => oc.columns(['sweep_id', 'account_id']).doNothing())
      .execute()
  }
}

async function upsertSnapshot(
  trx: Transaction<Database>,
  sweepId: string,
  accountId: string,
  state: unknown,
  rawJson: string | undefined,
) {
  await trx
    .insertInto('account_snapshots')
    .values({
      sweep_id: sweepId,
      account_id: accountId,
      state: JSON.stringify(state),
      raw: rawJson ?? null,
    })
    .onConflict((oc) =>
      oc.columns(['sweep_id', 'account_id']).doUpdateSet({
        state: (eb) => eb.ref('excluded.state'),
        raw: (eb) => eb.ref('excluded.raw'),
        collected_at: sql`now()`,
      }),
    )
    .execute()
}

/** Replaces the account's results of this sweep, so a retried job rewrites rather than duplicates. */
async function writeResults(
  trx: Transaction<Database>,
  sweepId: string,
  accountId: string,
  results: AccountResults,
) {
  if (results.findings) await applyAccountFindings(trx, sweepId, accountId, results.findings)
  if (!results.guardrails) return
  await trx
    .deleteFrom('guardrail_results')
    .where('sweep_id', '=', sweepId)
    .where('account_id', '=', accountId)
    .execute()
  if (results.guardrails.length === 0) return
  await trx
    .insertInto('guardrail_results')
    .values(
      results.guardrails.map((g) => ({
        sweep_id: sweepId,
        account_id: accountId,
        guardrail_id: g.guardrailId,
        verdict: g.verdict,
        evidence: JSON.stringify(g.evidence),
      })),
    )
    .execute()
}
