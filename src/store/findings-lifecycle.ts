import { randomUUID } from 'node:crypto'
import { type Insertable, sql, type Transaction } from 'kysely'
import type { Database, FindingEventKind } from './schema.js'

/** Findings per INSERT: 15 parameters each, well under PostgreSQL's 65,535. */
const UPSERT_CHUNK = 500

export interface FindingInput {
  fingerprint: string
  ruleId: string
  resourceArn: string
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info'
  title: string
  evidence: unknown
}

export interface AccountFindings {
  findings: FindingInput[]
  /** Rules that could not judge (all or part of) the account: their findings are neither confirmed nor resolved. */
  unknownRuleIds: string[]
  accountName: string
  ouPath: string
}

export interface LifecycleCounts {
  opened: number
  reopened: number
  resolved: number
  seen: number
}

/**
 * Applies one complete collection of an account to its findings, inside the account's
 * transaction: new fingerprints open, resolved ones seen again reopen, suppressions past their
 * expiry come back open, and open findings no longer produced are resolved, except those of
 * rules that could not judge this time. Each transition is recorded once per sweep.
 */
export async function applyAccountFindings(
  trx: Transaction<Database>,
  sweepId: string,
  accountId: string,
  input: AccountFindings,
): Promise<LifecycleCounts> {
  const now = new Date()
  const existing = new Map(
    (
      await trx
        .selectFrom('findings')
        .select(['id', 'fingerprint', 'status', 'suppressed_until'])
        .where('account_id', '=', accountId)
        .execute()
    ).map((f) => [f.fingerprint, f]),
  )
  const events: Array<{ finding_id: string; kind: FindingEventKind }> = []
  const counts: LifecycleCounts = { opened: 0, reopened: 0, resolved: 0, seen: input.findings.length }
  const seen = new Set<string>()

  const rows: Insertable<Database['findings']>[] = []
  for (const f of input.findings) {
    if (seen.has(f.fingerprint)) continue
    seen.add(f.fingerprint)
    const old = existing.get(f.fingerprint)
    const expired =
      old?.status === 'suppressed' && old.suppressed_until !== null && old.suppressed_until < now
    const reopen = old?.status === 'resolved' || expired
    const id = old?.id ?? randomUUID()
    rows.push({
      id,
      fingerprint: f.fingerprint,
      rule_id: f.ruleId,
      account_id: accountId,
      account_name: input.accountName,
      ou_path: input.ouPath,
      resource_arn: f.resourceArn,
      severity: f.severity,
      status: 'open',
      title: f.title,
      evidence: JSON.stringify(f.evidence),
      first_seen_sweep: sweepId,
      last_seen_sweep: sweepId,
      first_seen_at: now,
      last_seen_at: now,
    })
    if (!old) {
      counts.opened++
      events.push({ finding_id: id, kind: 'opened' })
    } else if (reopen) {
      counts.reopened++
      events.push({ finding_id: id, kind: 'reopened' })
    }
  }
  // One statement per chunk, not one per finding: the same reopen rule as above, in SQL, so the
  // row seen again is judged by what is stored (a suppression past its expiry comes back open).
  const reopens = sql<boolean>`(findings.status = 'resolved' OR (findings.status = 'suppressed'
    AND findings.suppressed_until IS NOT NULL AND findings.suppressed_until < excluded.last_seen_at))`
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    await trx
      .insertInto('findings')
      .values(rows.slice(i, i + UPSERT_CHUNK))
      .onConflict((oc) =>
        oc.column('fingerprint').doUpdateSet({
          severity: (eb) => eb.ref('excluded.severity'),
          title: (eb) => eb.ref('excluded.title'),
          evidence: (eb) => eb.ref('excluded.evidence'),
          account_name: (eb) => eb.ref('excluded.account_name'),
          ou_path: (eb) => eb.ref('excluded.ou_path'),
          last_seen_sweep: (eb) => eb.ref('excluded.last_seen_sweep'),
          last_seen_at: (eb) => eb.ref('excluded.last_seen_at'),
          status: sql`CASE WHEN ${reopens} THEN 'open' ELSE findings.status END`,
          resolved_at: sql`CASE WHEN ${reopens} THEN NULL ELSE findings.resolved_at END`,
          suppressed_until: sql`CASE WHEN ${reopens} THEN NULL ELSE findings.suppressed_until END`,
          suppressed_reason: sql`CASE WHEN ${reopens} THEN NULL ELSE findings.suppressed_reason END`,
        }),
      )
      .execute()
  }

  const skipRules = input.unknownRuleIds
  const resolved = await trx
    .updateTable('findings')
    .set({ status: 'resolved', resolved_at: now })
    .where('account_id', '=', accountId)
    .where('status', 'in', ['open', 'suppressed'])
    .where('last_seen_sweep', '<>', sweepId)
    .$if(skipRules.length > 0, (q) => q.where('rule_id', 'not in', skipRules))
    .returning('id')
    .execute()
  counts.resolved = resolved.length
  for (const r of resolved) events.push({ finding_id: r.id, kind: 'resolved' })

  if (events.length > 0) {
    for (let i = 0; i < events.length; i += 1000) {
      await trx
        .insertInto('finding_events')
        .values(events.slice(i, i + 1000).map((e) => ({ id: randomUUID(), sweep_id: sweepId, ...e })))
        .onConflict((oc) => oc.columns(['finding_id', 'sweep_id', 'kind']).doNothing())
        .execute()
    }
  }
  return counts
}
