/**
 * EXPLAIN ANALYZE of the findings list query exactly as the repository builds it (captured from
 * Kysely's query log), for the filter shapes the load run mixes: what the plan reads per page is
 * what bounds the latency.
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
  if (/Scan/.test(node['Node Type']) && !node.Plans?.length) {
    const loops = node['Actual Loops'] ?? 1
    out.scanned +=
      ((node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)) *
      loops
  }
  for (const child of node.Plans ?? []) walk(child, out)
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
  try {
    for (const c of cases) {
      captured.length = 0
      // The route asks for one row more than the page, to know whether there is a next page.
      await repo.list({ minSeverity: c.severity, ouId: c.ouId, limit: 101 })
      // Every statement one page takes (the OU read is two), each explained warm.
      const queries = [...captured]
      const acc = { nodes: [] as string[], scanned: 0 }
      let executionMs = 0
      for (const q of queries) {
        let plan: { Plan: PlanNode; 'Execution Time': number } | undefined
        for (let i = 0; i < 3; i++) {
          const res = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, [...q.parameters])
          plan = res.rows[0]['QUERY PLAN'][0]
        }
        executionMs += plan!['Execution Time']
        if (acc.nodes.length) acc.nodes.push('|')
        walk(plan!.Plan, acc)
      }
      out.push({
        label: c.label,
        executionMs: Math.round(executionMs * 100) / 100,
        rowsScanned: acc.scanned,
        plan: acc.nodes.join(' > '),
      })
    }
  } finally {
    await db.destroy()
  }
  return out
}
