/**
 * EXPLAIN ANALYZE of the findings list query exactly as the repository builds it (captured from
 * Kysely's query log), for the filter shapes the load run mixes: what the plan reads per page is
 * what bounds the latency. An OU page is one statement around finding_ids_in_ou (migration
 * 0012); the plans of the statements inside the function come from auto_explain where the server
 * lets this session load it, and count in the rows read.
 */

import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createFindingsRepo, type Severity } from '../../src/store/findings-repo.js'
import type { Database } from '../../src/store/schema.js'
import { orgShape } from './api-dataset.js'

export interface PlanSummary {
  label: string
  executionMs: number
  /** Rows the scan nodes produced or filtered out: the work behind one page. */
  rowsScanned: number
  /** The plans' node types, outermost first; `|` between statements. */
  plan: string
}

interface PlanNode {
  'Node Type': string
  'Index Name'?: string
  'Actual Rows'?: number
  'Actual Loops'?: number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

function walk(node: PlanNode, out: { nodes: string[]; scanned: number }) {
  out.nodes.push(node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Node Type'])
  if (/Scan/.test(node['Node Type']) && node['Node Type'] !== 'Function Scan' && !node.Plans?.length) {
    const loops = node['Actual Loops'] ?? 1
    out.scanned +=
      ((node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)) *
      loops
  }
  for (const child of node.Plans ?? []) walk(child, out)
}

/** `A > B > B > B` as `A > B × 3`: a merge of many ranges is one index scan per range. */
function collapse(nodes: string[]): string[] {
  const out: string[] = []
  let run = 0
  for (let i = 0; i < nodes.length; i++) {
    run++
    if (nodes[i + 1] === nodes[i]) continue
    out.push(run > 1 ? `${nodes[i]} × ${run}` : nodes[i]!)
    run = 0
  }
  return out
}

export async function explainFindings(databaseUrl: string): Promise<PlanSummary[]> {
  const shape = orgShape()
  const cases: { label: string; severity: Severity; ouId: string }[] = [
    { label: 'top-level OU, severity >= medium', severity: 'medium', ouId: shape.top[0]! },
    { label: 'top-level OU, critical', severity: 'critical', ouId: shape.top[0]! },
    { label: 'leaf OU, severity >= medium', severity: 'medium', ouId: shape.leaf[0]! },
    { label: 'leaf OU, critical', severity: 'critical', ouId: shape.leaf[0]! },
  ]
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
  const captured: { sql: string; parameters: readonly unknown[] }[] = []
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters })
    },
  })
  const repo = createFindingsRepo(db)
  const out: PlanSummary[] = []
  // One connection for the EXPLAINs, with auto_explain logging nested statements as notices.
  const explainer = new pg.Client({ connectionString: databaseUrl })
  await explainer.connect()
  const nested: PlanNode[] = []
  let collect = false
  explainer.on('notice', (n) => {
    const json = collect ? /plan:\s*(\{[\s\S]*\})\s*$/.exec(n.message ?? '')?.[1] : undefined
    if (json) nested.push((JSON.parse(json) as { Plan: PlanNode }).Plan)
  })
  const autoExplain = await explainer
    .query(`LOAD 'auto_explain'`)
    .then(async () => {
      for (const set of [
        'auto_explain.log_min_duration = 0',
        'auto_explain.log_analyze = on',
        'auto_explain.log_nested_statements = on',
        "auto_explain.log_format = 'json'",
        'client_min_messages = log',
      ])
        await explainer.query(`SET ${set}`)
      return true
    })
    .catch(() => false)
  try {
    for (const c of cases) {
      captured.length = 0
      // The route asks for one row more than the page, to know whether there is a next page.
      await repo.listSummaries({ minSeverity: c.severity, ouId: c.ouId, limit: 101 })
      // Every statement one page takes, each explained warm.
      const queries = [...captured]
      const acc = { nodes: [] as string[], scanned: 0 }
      let executionMs = 0
      for (const q of queries) {
        let plan: { Plan: PlanNode; 'Execution Time': number } | undefined
        for (let i = 0; i < 3; i++) {
          nested.length = 0
          collect = i === 2
          const res = await explainer.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, [...q.parameters])
          plan = res.rows[0]['QUERY PLAN'][0]
        }
        collect = false
        executionMs += plan!['Execution Time']
        if (acc.nodes.length) acc.nodes.push('|')
        walk(plan!.Plan, acc)
        // auto_explain also logs the EXPLAIN itself (top level, last): keep the nested ones.
        for (const inner of nested.slice(0, -1)) {
          acc.nodes.push('| inside:')
          walk(inner, acc)
        }
      }
      out.push({
        label: c.label,
        executionMs: Math.round(executionMs * 100) / 100,
        rowsScanned: acc.scanned,
        plan: collapse(acc.nodes).join(' > '),
      })
    }
  } finally {
    await explainer.end()
    await db.destroy()
  }
  if (!autoExplain) for (const p of out) p.plan += ' (statements inside functions not shown: no auto_explain)'
  return out
}
