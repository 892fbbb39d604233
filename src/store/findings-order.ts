/**
 * Sort orders of the findings list. Every order ends with the finding id, so a page boundary is
 * exact: a cursor holds the last row's sort key and id, and the next page starts strictly after
 * that pair. Timestamps are compared at millisecond precision, the precision a cursor carries.
 */
import { type RawBuilder, sql } from 'kysely'
import type { FindingRow } from './schema.js'

export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITY_ORDER)[number]

/** `id` (the default) or a key, `-` first for descending. */
export const FINDING_SORTS = [
  'id',
  'severity',
  '-severity',
  'firstSeen',
  '-firstSeen',
  'lastSeen',
  '-lastSeen',
] as const
export type FindingSort = (typeof FINDING_SORTS)[number]

/** A sort key: the severity's rank (info 0 … critical 4) or a timestamp in ISO form. */
export type SortKey = number | string

/** What a sort key is made of: a row, or a list row with its times as ISO text. */
type KeyedRow = Pick<FindingRow, 'severity'> & { first_seen_at: Date | string; last_seen_at: Date | string }

const iso = (t: Date | string) => (typeof t === 'string' ? t : t.toISOString())

interface Order {
  key: (alias?: string) => RawBuilder<SortKey>
  of: (row: KeyedRow) => SortKey
  descending: boolean
}

const col = (alias: string | undefined, name: string) => sql.ref(alias ? `${alias}.${name}` : name)

const severityRank = (alias?: string) =>
  sql<number>`(CASE ${col(alias, 'severity')} ${sql.join(
    SEVERITY_ORDER.map((s, i) => sql`WHEN ${sql.lit(s)} THEN ${sql.lit(i)}`),
    sql` `,
  )} END)`
const millis = (name: string) => (alias?: string) =>
  sql<string>`date_trunc('milliseconds', ${col(alias, name)})`

const KEYS = {
  severity: { key: severityRank, of: (r: KeyedRow) => SEVERITY_ORDER.indexOf(r.severity as Severity) },
  firstSeen: { key: millis('first_seen_at'), of: (r: KeyedRow) => iso(r.first_seen_at) },
  lastSeen: { key: millis('last_seen_at'), of: (r: KeyedRow) => iso(r.last_seen_at) },
}

/** The keyed order of a sort, or undefined for the default id order. */
export function orderOf(sort: FindingSort | undefined): Order | undefined {
  if (!sort || sort === 'id') return undefined
  const descending = sort.startsWith('-')
  const k = KEYS[(descending ? sort.slice(1) : sort) as keyof typeof KEYS]
  return { key: k.key as Order['key'], of: k.of, descending }
}

/** The sort key of a row, for its cursor; undefined for the default id order. */
export function sortKeyOf(row: KeyedRow, sort: FindingSort | undefined): SortKey | undefined {
  return orderOf(sort)?.of(row)
}

/** Whether a cursor's key fits the sort: a rank 0–4 for severity, an ISO date-time otherwise. */
export function isSortKey(sort: FindingSort, key: unknown): key is SortKey {
  if (sort === 'id') return key === undefined
  if (sort.endsWith('everity')) return Number.isInteger(key) && (key as number) >= 0 && (key as number) < 5
  return typeof key === 'string' && !Number.isNaN(Date.parse(key))
}

/** `(key, id)` strictly past the cursor's position in the order's direction. */
export function pastPosition(order: Order, key: SortKey, id: string, alias?: string) {
  const value = typeof key === 'number' ? sql`${key}::int` : sql`${key}::timestamptz`
  const pair = sql`(${order.key(alias)}, ${col(alias, 'id')})`
  return order.descending
    ? sql<boolean>`${pair} < (${value}, ${id})`
    : sql<boolean>`${pair} > (${value}, ${id})`
}
