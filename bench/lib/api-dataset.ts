/**
 * The API benchmark's data: a synthetic organization of N accounts in a three-level OU tree, a
 * history of completed sweeps (the newest with every account's outcome and guardrail verdicts),
 * and M findings spread over the real rule catalogue, loaded in bulk with INSERT ... SELECT over
 * generate_series into the schema the product's migrations made. Deterministic: setseed().
 */

import { sql } from 'kysely'
import { GUARDRAIL_IDS } from '../../src/policy/index.js'
import { catalogueMetadata } from '../../src/rules/index.js'
import type { Db } from '../../src/store/index.js'

export const ORG_ID = 'o-bench0api01'
export const ROOT_ID = 'r-bnch'
const TOP_OUS = 6
const MID_PER_TOP = 4
const LEAF_PER_MID = 3
/** Completed sweeps in the history; only the newest carries accounts and verdicts in full. */
const SWEEPS = 12

export interface OrgShape {
  /** OU ids by level: the top level holds about 1/6 of accounts, a leaf about 1/72. */
  top: string[]
  mid: string[]
  leaf: string[]
  latestSweepId: string
  sweepIds: string[]
}

const ouId = (n: number) => `ou-bnch-${n.toString(36).padStart(8, '0')}`

export function orgShape(): OrgShape {
  const top: string[] = []
  const mid: string[] = []
  const leaf: string[] = []
  let n = 1
  for (let t = 0; t < TOP_OUS; t++) {
    top.push(ouId(n++))
    for (let m = 0; m < MID_PER_TOP; m++) {
      mid.push(ouId(n++))
      for (let l = 0; l < LEAF_PER_MID; l++) leaf.push(ouId(n++))
    }
  }
  const sweepIds = Array.from(
    { length: SWEEPS },
    (_, i) => `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
  )
  return { top, mid, leaf, latestSweepId: sweepIds.at(-1)!, sweepIds }
}

/**
 * How often each rule fires, relative to the others: resource rules (roles, users, policies)
 * fire many times per account, account-level rules (root, password policy, guardrails) at most
 * once. Roughly what the demo organization and the rules benchmark's synthetic account show.
 */
function ruleWeight(id: string): number {
  if (id.startsWith('role.unused')) return 30
  if (id.startsWith('role.')) return 6
  if (id.startsWith('user.')) return 8
  if (id.startsWith('policy.') || id.startsWith('principal.')) return 7
  if (id.startsWith('group.')) return 3
  return 0.4 // root.*, password-policy.*, account.*, guardrail.*
}

export interface LoadTimings {
  sweepsMs: number
  findingsMs: number
  analyzeMs: number
  findings: number
  accounts: number
  guardrailResults: number
  tableBytes: number
}

/** Loads everything into an empty, migrated database. */
export function loadDataset(
  db: Db,
  opts: { accounts: number; findings: number; onProgress?: (msg: string) => void },
): Promise<LoadTimings> {
  // Temporary tables live in one session: everything runs on one connection.
  return db.connection().execute((conn) => load(conn, opts))
}

async function load(
  db: Db,
  opts: { accounts: number; findings: number; onProgress?: (msg: string) => void },
): Promise<LoadTimings> {
  const shape = orgShape()
  const log = opts.onProgress ?? (() => {})
  await sql`SELECT setseed(0.42)`.execute(db)

  // The OU tree as a table: each leaf with its path; accounts go 10% under a top OU, 30% under a
  // middle one and 60% under a leaf.
  const t0 = performance.now()
  await sql`CREATE TEMP TABLE bench_ou (lvl int, idx int, path text)`.execute(db)
  const ouRows: { lvl: number; idx: number; path: string }[] = []
  for (let t = 0; t < TOP_OUS; t++) {
    const tPath = `${ORG_ID}/${ROOT_ID}/${shape.top[t]}/`
    ouRows.push({ lvl: 1, idx: t, path: tPath })
    for (let m = 0; m < MID_PER_TOP; m++) {
      const mi = t * MID_PER_TOP + m
      const mPath = `${tPath}${shape.mid[mi]}/`
      ouRows.push({ lvl: 2, idx: mi, path: mPath })
      for (let l = 0; l < LEAF_PER_MID; l++) {
        const li = mi * LEAF_PER_MID + l
        ouRows.push({ lvl: 3, idx: li, path: `${mPath}${shape.leaf[li]}/` })
      }
    }
  }
  await sql`INSERT INTO bench_ou SELECT * FROM jsonb_to_recordset(${JSON.stringify(ouRows)}::jsonb)
    AS x(lvl int, idx int, path text)`.execute(db)

  // Sweeps: one every 6 hours, all completed; the newest has the full account list.
  const latest = shape.latestSweepId
  const unreachable = Math.round(opts.accounts * 0.004)
  const failed = Math.round(opts.accounts * 0.001)
  await sql`
    INSERT INTO sweeps (id, status, source_kind, source_name, scope, requested_by, organization_id,
      total, collected, unreachable, failed, cancelled, findings_count, created_at, started_at,
      org_read_at, finished_at)
    SELECT s.id::uuid, 'completed', 'aws', 'aws', '{"all":true,"organizationalUnitIds":[],"accountIds":[]}'::jsonb, 'scheduler', ${ORG_ID},
      ${sql.lit(opts.accounts)}, ${sql.lit(opts.accounts - unreachable - failed)}, ${sql.lit(unreachable)}, ${sql.lit(failed)}, 0,
      ${sql.lit(opts.findings)}, t, t + interval '1 second', t + interval '3 seconds', t + interval '9 minutes'
    FROM unnest(${shape.sweepIds}::text[]) WITH ORDINALITY AS s(id, n),
      LATERAL (SELECT now() - (${sql.lit(SWEEPS)} - s.n) * interval '6 hours' - interval '10 minutes' AS t) x`.execute(
    db,
  )
  await sql`
    CREATE TEMP TABLE bench_accounts AS
    SELECT a AS idx, lpad((100000000000 + a * 7919)::text, 12, '0') AS account_id,
      'workload-' || a AS account_name,
      (SELECT path FROM bench_ou o WHERE o.lvl = lv.lvl AND o.idx = (a * 31) % lv.n) AS ou_path
    FROM generate_series(0, ${sql.lit(opts.accounts - 1)}) a,
      LATERAL (SELECT CASE WHEN a % 10 = 0 THEN 1 WHEN a % 10 < 4 THEN 2 ELSE 3 END AS lvl) l,
      LATERAL (SELECT l.lvl, CASE l.lvl WHEN 1 THEN ${sql.lit(TOP_OUS)} WHEN 2 THEN ${sql.lit(TOP_OUS * MID_PER_TOP)}
        ELSE ${sql.lit(TOP_OUS * MID_PER_TOP * LEAF_PER_MID)} END AS n) lv`.execute(db)
  await sql`CREATE UNIQUE INDEX ON bench_accounts (idx)`.execute(db)
  await sql`ANALYZE bench_accounts`.execute(db)
  // Every sweep lists its accounts (older sweeps too: the table has the size it would have).
  await sql`
    INSERT INTO sweep_accounts (sweep_id, account_id, account_name, ou_path, status, attempts, reason,
      stats, started_at, finished_at)
    SELECT s.id, a.account_id, a.account_name, a.ou_path,
      CASE WHEN a.idx < ${sql.lit(unreachable)} THEN 'unreachable'
           WHEN a.idx < ${sql.lit(unreachable + failed)} THEN 'failed' ELSE 'collected' END,
      CASE WHEN a.idx < ${sql.lit(unreachable + failed)} THEN 4 ELSE 1 END,
      CASE WHEN a.idx < ${sql.lit(unreachable)} THEN 'AccessDenied: sts:AssumeRole on OrgwardenAudit'
           WHEN a.idx < ${sql.lit(unreachable + failed)} THEN 'Throttling: rate exceeded after 4 attempts' END,
      jsonb_build_object('calls', 180 + a.idx % 50, 'retries', a.idx % 3, 'ms', 4000 + a.idx % 900),
      s.started_at, s.finished_at
    FROM sweeps s CROSS JOIN bench_accounts a`.execute(db)
  log('sweeps and accounts loaded')
  await sql`
    INSERT INTO guardrail_results (sweep_id, account_id, guardrail_id, verdict, evidence)
    SELECT ${latest}::uuid, a.account_id, g.id,
      CASE WHEN random() < 0.78 THEN 'enforced' WHEN random() < 0.8 THEN 'not-enforced'
           WHEN random() < 0.5 THEN 'exempted' ELSE 'not-applicable' END,
      jsonb_build_object('deciding', jsonb_build_array(jsonb_build_object('policy', 'p-bnch' || (a.idx % 40),
        'statement', 'DenyLeave', 'level', 'ou')), 'probes', 12, 'escaped', '[]'::jsonb)
    FROM bench_accounts a CROSS JOIN unnest(${[...GUARDRAIL_IDS]}::text[]) AS g(id)`.execute(db)
  const sweepsMs = performance.now() - t0

  // Findings: rule by weight, account skewed (some accounts have far more roles than others),
  // 72% open, 23% resolved, 5% suppressed; ids random v4 UUIDs as the product makes them.
  const rules = catalogueMetadata()
  const total = rules.reduce((s, r) => s + ruleWeight(r.id), 0)
  let acc = 0
  const ruleRows = rules.map((r) => {
    const lo = acc / total
    acc += ruleWeight(r.id)
    return { rule_id: r.id, severity: r.severity, lo, hi: acc / total }
  })
  ruleRows.at(-1)!.hi = 1.0001
  await sql`CREATE TEMP TABLE bench_rules AS SELECT * FROM jsonb_to_recordset(${JSON.stringify(ruleRows)}::jsonb)
    AS x(rule_id text, severity text, lo float8, hi float8)`.execute(db)
  const t1 = performance.now()
  const chunk = 100_000
  for (let from = 0; from < opts.findings; from += chunk) {
    const to = Math.min(opts.findings, from + chunk) - 1
    await sql`
      INSERT INTO findings (id, fingerprint, rule_id, account_id, account_name, ou_path, resource_arn,
        severity, status, title, evidence, first_seen_sweep, last_seen_sweep, first_seen_at, last_seen_at,
        resolved_at, suppressed_reason, suppressed_until, suppressed_by, suppressed_at)
      SELECT gen_random_uuid(), encode(sha256(('bench-' || n)::bytea), 'hex'), r.rule_id,
        a.account_id, a.account_name, a.ou_path, res.arn, r.severity, st.status,
        r.rule_id || ' on ' || res.arn,
        jsonb_build_object('resource', res.arn, 'lastUsed', now() - (n % 400) * interval '1 day',
          'detail', 'synthetic finding ' || n, 'attached', jsonb_build_array('PolicyA', 'PolicyB')),
        first_s, CASE WHEN st.status = 'resolved' THEN mid_s ELSE ${latest}::uuid END,
        now() - interval '3 days', now() - interval '10 minutes',
        CASE WHEN st.status = 'resolved' THEN now() - interval '1 day' END,
        CASE WHEN st.status = 'suppressed' THEN 'accepted risk: break-glass role' END,
        CASE WHEN st.status = 'suppressed' THEN now() + interval '90 days' END,
        CASE WHEN st.status = 'suppressed' THEN 'security-team' END,
        CASE WHEN st.status = 'suppressed' THEN now() - interval '2 days' END
      FROM (SELECT n, random() AS rr, random() AS ra, random() AS rs
        FROM generate_series(${sql.lit(from)}, ${sql.lit(to)}) n) x,
        LATERAL (SELECT * FROM bench_rules r WHERE x.rr >= r.lo AND x.rr < r.hi LIMIT 1) r,
        LATERAL (SELECT * FROM bench_accounts a
          WHERE a.idx = least(floor(${sql.lit(opts.accounts)} * power(x.ra, 1.6))::int, ${sql.lit(opts.accounts - 1)})) a,
        LATERAL (SELECT CASE WHEN x.rs < 0.72 THEN 'open' WHEN x.rs < 0.95 THEN 'resolved'
          ELSE 'suppressed' END AS status) st,
        LATERAL (SELECT 'arn:aws:iam::' || a.account_id || ':' || CASE split_part(r.rule_id, '.', 1)
          WHEN 'role' THEN 'role/app-' WHEN 'user' THEN 'user/person-'
          WHEN 'policy' THEN 'policy/custom-' WHEN 'group' THEN 'group/team-' ELSE 'root-' END || n AS arn) res,
        LATERAL (SELECT (${shape.sweepIds}::uuid[])[1 + n % 6] AS first_s,
          (${shape.sweepIds}::uuid[])[7 + n % 5] AS mid_s) sw`.execute(db)
    log(`findings ${to + 1}/${opts.findings}`)
  }
  const findingsMs = performance.now() - t1
  const t2 = performance.now()
  await sql`VACUUM ANALYZE`.execute(db)
  const analyzeMs = performance.now() - t2
  const { rows } = await sql<{ bytes: number }>`
    SELECT pg_total_relation_size('findings')::bigint AS bytes`.execute(db)
  return {
    sweepsMs,
    findingsMs,
    analyzeMs,
    findings: opts.findings,
    accounts: opts.accounts,
    guardrailResults: opts.accounts * GUARDRAIL_IDS.length,
    tableBytes: Number(rows[0]!.bytes),
  }
}
