import { sql } from 'kysely'
import type { Db } from './database.js'
import { SEVERITY_ORDER, type Severity } from './findings-repo.js'
import type { AccountOutcome } from './schema.js'

export type SeverityCounts = Record<Severity, number> & { total: number }

export interface AccountOutcomeRow {
  accountId: string
  status: AccountOutcome
  reason: string | null
  finishedAt: Date | null
}

export type VerdictCounts = Record<'enforced' | 'not-enforced' | 'exempted' | 'not-applicable', number>

export function emptySeverityCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, total: 0 }
}

/** Read models of accounts: how their collection ended in a sweep, and their open findings now. */
export function createAccountsRepo(db: Db) {
  return {
    /** Every account planned in the sweep with its outcome; accounts left out of it have no row. */
    async outcomes(sweepId: string, accountId?: string): Promise<Map<string, AccountOutcomeRow>> {
      const rows = await db
        .selectFrom('sweep_accounts')
        .select(['account_id', 'status', 'reason', 'finished_at'])
        .where('sweep_id', '=', sweepId)
        .$if(accountId !== undefined, (q) => q.where('account_id', '=', accountId!))
        .execute()
      return new Map(
        rows.map((r) => [
          r.account_id,
          { accountId: r.account_id, status: r.status, reason: r.reason, finishedAt: r.finished_at },
        ]),
      )
    },

    /**
     * Open findings by severity per account. Findings carry their lifecycle across sweeps, so
     * these are the counts as of now, whatever sweep the accounts are read from.
     */
    async openCounts(accountId?: string): Promise<Map<string, SeverityCounts>> {
      const rows = await db
        .selectFrom('findings')
        .select(['account_id', 'severity', sql<number>`count(*)::int`.as('n')])
        .where('status', '=', 'open')
        .$if(accountId !== undefined, (q) => q.where('account_id', '=', accountId!))
        .groupBy(['account_id', 'severity'])
        .execute()
      const out = new Map<string, SeverityCounts>()
      for (const r of rows) {
        const c = out.get(r.account_id) ?? emptySeverityCounts()
        c[r.severity] += r.n
        c.total += r.n
        out.set(r.account_id, c)
      }
      return out
    },

    /** What the sweep stored of AWS Config's compliance for the account (undefined: not read). */
    async configCompliance(sweepId: string, accountId: string): Promise<unknown> {
      const row = await db
        .selectFrom('sweep_accounts')
        .select(sql<unknown>`stats -> 'configCompliance'`.as('compliance'))
        .where('sweep_id', '=', sweepId)
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      return row?.compliance ?? undefined
    },

    /** The account's open and suppressed findings of the given rules, per rule, as of now. */
    async findingsByRule(
      accountId: string,
      ruleIds: readonly string[],
    ): Promise<Map<string, { open: number; suppressed: number }>> {
      const out = new Map<string, { open: number; suppressed: number }>()
      if (ruleIds.length === 0) return out
      const rows = await db
        .selectFrom('findings')
        .select(['rule_id', 'status', sql<number>`count(*)::int`.as('n')])
        .where('account_id', '=', accountId)
        .where('rule_id', 'in', ruleIds)
        .where('status', 'in', ['open', 'suppressed'])
        .groupBy(['rule_id', 'status'])
        .execute()
      for (const r of rows) {
        const c = out.get(r.rule_id) ?? { open: 0, suppressed: 0 }
        if (r.status === 'open') c.open += r.n
        else c.suppressed += r.n
        out.set(r.rule_id, c)
      }
      return out
    },

    async verdictCounts(sweepId: string, accountId: string): Promise<VerdictCounts> {
      const rows = await db
        .selectFrom('guardrail_results')
        .select(['verdict', sql<number>`count(*)::int`.as('n')])
        .where('sweep_id', '=', sweepId)
        .where('account_id', '=', accountId)
        .groupBy('verdict')
        .execute()
      const out: VerdictCounts = { enforced: 0, 'not-enforced': 0, exempted: 0, 'not-applicable': 0 }
      for (const r of rows) out[r.verdict] = r.n
      return out
    },
  }
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>

/** Whether the counts hold an open finding at least as severe as `min` (any finding without it). */
export function hasOpenAtLeast(c: SeverityCounts | undefined, min: Severity | undefined): boolean {
  if (!c) return false
  if (!min) return c.total > 0
  return SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min)).some((s) => c[s] > 0)
}
