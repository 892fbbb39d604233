import { Readable } from 'node:stream'
import type { FindingSummaryRow as FindingRow } from '../../../store/findings-repo.js'

/** The export's columns, in order; the header row names them. */
export const CSV_COLUMNS = [
  'id',
  'ruleId',
  'severity',
  'status',
  'accountId',
  'accountName',
  'ouPath',
  'resourceArn',
  'title',
  'firstSeenAt',
  'lastSeenAt',
  'resolvedAt',
] as const

/** Rows read from the store per query while streaming. */
export const CSV_CHUNK = 1000
/** An export stops after this many rows; narrow the query to get the rest. */
export const CSV_MAX_ROWS = 100_000

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string | null | undefined): string {
  const s = value ?? ''
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

function csvLine(f: FindingRow): string {
  return `${[
    f.id,
    f.rule_id,
    f.severity,
    f.status,
    f.account_id,
    f.account_name,
    f.ou_path,
    f.resource_arn,
    f.title,
    f.first_seen_at,
    f.last_seen_at,
    f.resolved_at ?? '',
  ]
    .map(csvField)
    .join(',')}\r\n`
}

/**
 * Whether the client asked for CSV: `format` decides when given; otherwise an Accept header
 * listing text/csv at least as preferred as JSON.
 */
export function wantsCsv(format: 'csv' | 'json' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv'
  if (!accept) return false
  let csv = -1
  let json = -1
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (type === 'text/csv') csv = Math.max(csv, q)
    if (type === 'application/json') json = Math.max(json, q)
  }
  return csv > 0 && csv >= json
}

/**
 * The findings of a query as CSV, read page by page, so a large export never sits in memory
 * whole. `after` is the position past the previous page: by default the last row's id; with
 * `next`, whatever it makes of the last row (a sort key and id).
 */
export function findingsCsv<P = string>(
  page: (after: P | undefined, limit: number) => Promise<FindingRow[]>,
  opts: { after?: P | undefined; maxRows?: number; chunk?: number; next?: (row: FindingRow) => P } = {},
): Readable {
  const next = opts.next ?? ((row: FindingRow) => row.id as P)
  const maxRows = opts.maxRows ?? CSV_MAX_ROWS
  const chunk = opts.chunk ?? CSV_CHUNK
  async function* lines() {
    yield `${CSV_COLUMNS.join(',')}\r\n`
    let after = opts.after
    let written = 0
    while (written < maxRows) {
      const wanted = Math.min(chunk, maxRows - written)
      const rows = await page(after, wanted)
      if (rows.length > 0) yield rows.map(csvLine).join('')
      if (rows.length < wanted) return
      written += rows.length
      after = next(rows.at(-1)!)
    }
  }
  return Readable.from(lines())
}
