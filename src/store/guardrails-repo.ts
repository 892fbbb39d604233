import type { Db } from './database.js'

export interface MatrixFilter {
  sweepId: string
  /** Accounts whose OU path contains this OU (or root) id: the OU and its descendants. */
  ouId?: string | undefined
  guardrailId?: string | undefined
  verdict?: string | undefined
  after?: string | undefined
  limit: number
}

export function createGuardrailsRepo(db: Db) {
  return {
    /**
     * One page of the account × guardrail matrix, by account id. With `verdict`, only accounts
     * having that verdict (for `guardrailId` when given) are listed, with all their verdicts.
     */
    async matrix(f: MatrixFilter) {
      let accounts = db
        .selectFrom('sweep_accounts as a')
        .select(['a.account_id', 'a.account_name', 'a.ou_path', 'a.status'])
        .where('a.sweep_id', '=', f.sweepId)
      if (f.ouId) accounts = accounts.where('a.ou_path', 'like', `%/${escapeLike(f.ouId)}/%`)
      if (f.after) accounts = accounts.where('a.account_id', '>', f.after)
      if (f.verdict || f.guardrailId) {
        accounts = accounts.where((eb) =>
          eb.exists(
            eb
              .selectFrom('guardrail_results as g')
              .select('g.account_id')
              .whereRef('g.sweep_id', '=', 'a.sweep_id')
              .whereRef('g.account_id', '=', 'a.account_id')
              .$if(Boolean(f.verdict), (q) => q.where('g.verdict', '=', f.verdict as 'enforced'))
              .$if(Boolean(f.guardrailId), (q) => q.where('g.guardrail_id', '=', f.guardrailId!)),
          ),
        )
      }
      const rows = await accounts.orderBy('a.account_id').limit(f.limit).execute()
      if (rows.length === 0) return []
      let verdicts = db
        .selectFrom('guardrail_results')
        .select(['account_id', 'guardrail_id', 'verdict'])
        .where('sweep_id', '=', f.sweepId)
        .where(
          'account_id',
          'in',
          rows.map((r) => r.account_id),
        )
      if (f.guardrailId) verdicts = verdicts.where('guardrail_id', '=', f.guardrailId)
      const byAccount = new Map<string, Record<string, string>>()
      for (const v of await verdicts.execute()) {
        const m = byAccount.get(v.account_id) ?? {}
        m[v.guardrail_id] = v.verdict
        byAccount.set(v.account_id, m)
      }
      return rows.map((r) => ({
        accountId: r.account_id,
        accountName: r.account_name,
        ouPath: r.ou_path,
        collection: r.status,
        verdicts: byAccount.get(r.account_id) ?? {},
      }))
    },

    forAccount(sweepId: string, accountId: string) {
      return db
        .selectFrom('guardrail_results')
        .select(['guardrail_id', 'verdict', 'evidence'])
        .where('sweep_id', '=', sweepId)
        .where('account_id', '=', accountId)
        .orderBy('guardrail_id')
        .execute()
    },
  }
}

export type GuardrailsRepo = ReturnType<typeof createGuardrailsRepo>

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}
