import type { Readable } from 'node:stream'
import type { Queue } from 'bullmq'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { catalogueMetadata } from '../../../rules/index.js'
import type { FindingSummaryRow } from '../../../store/findings-repo.js'
import {
  FINDING_SORTS,
  type FindingQuery,
  type FindingSort,
  isSortKey,
  SEVERITY_ORDER,
  type Severity,
  type SortKey,
  sortKeyOf,
} from '../../../store/findings-repo.js'
import type { Store } from '../../../store/index.js'
import type { FindingRow } from '../../../store/schema.js'
import { enqueueSuppressionDispatch } from '../../../webhooks/jobs.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors, invalidField } from '../../errors.js'
import { AccountId, authErrors, NoQuery, OuOrRootId, PageQuery, problemRef } from '../../schemas/common.js'
import { CSV_COLUMNS, CSV_MAX_ROWS, findingsCsv, wantsCsv } from './csv.js'

const SeverityEnum = Type.Unsafe<Severity>({ type: 'string', enum: [...SEVERITY_ORDER] })
const StatusEnum = Type.Unsafe<'open' | 'resolved' | 'suppressed'>({
  type: 'string',
  enum: ['open', 'resolved', 'suppressed'],
})

/**
 * A time or null. A type list, not anyOf: fast-json-stringify writes anyOf by validating each
 * value against the branches (a date-time check per time of every list item).
 */
const NullableTime = Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' })

/** A finding's fields before and after its evidence, in the order the API has always sent them. */
const identity = {
  id: Type.String(),
  fingerprint: Type.String(),
  ruleId: Type.String(),
  severity: SeverityEnum,
  status: StatusEnum,
  title: Type.String(),
  accountId: Type.String(),
  accountName: Type.String(),
  ouPath: Type.String(),
  resourceArn: Type.String(),
}
const lifecycle = {
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  firstSeenSweep: Type.String(),
  lastSeenSweep: Type.String(),
  resolvedAt: NullableTime,
  suppression: Type.Unsafe<{ reason: string; by: string | null; until: string | null } | null>({
    type: ['object', 'null'],
    required: ['reason', 'by', 'until'],
    properties: {
      reason: Type.String(),
      by: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
      until: NullableTime,
    },
  }),
}
const Evidence = Type.Object({}, { additionalProperties: true })

const Finding = Type.Object({ ...identity, evidence: Evidence, ...lifecycle }, { $id: 'Finding' })

/** A finding in a list: without its evidence (GET /v1/findings/:id has it) unless asked for. */
const FindingListItem = Type.Object(
  {
    ...identity,
    evidence: Type.Optional({ ...Evidence, description: 'Only with include=evidence.' }),
    ...lifecycle,
  },
  { $id: 'FindingListItem' },
)

const ListQuery = Type.Object(
  {
    ...PageQuery,
    ruleId: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    severity: Type.Optional({ ...SeverityEnum, description: 'At least this severe.' }),
    accountId: Type.Optional(AccountId),
    ouId: Type.Optional(OuOrRootId),
    status: Type.Optional(StatusEnum),
    control: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'A control id: CIS-1.14 (any CIS version), IAM.3, or a Config rule name.',
      }),
    ),
    resource: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'Substring of the resource ARN.' }),
    ),
    firstSeenAfter: Type.Optional(
      Type.String({ format: 'date-time', description: 'First seen at or after this instant.' }),
    ),
    firstSeenBefore: Type.Optional(
      Type.String({ format: 'date-time', description: 'First seen before this instant.' }),
    ),
    lastSeenAfter: Type.Optional(
      Type.String({ format: 'date-time', description: 'Last seen at or after this instant.' }),
    ),
    lastSeenBefore: Type.Optional(
      Type.String({ format: 'date-time', description: 'Last seen before this instant.' }),
    ),
    sort: Type.Optional(
      Type.Unsafe<FindingSort>({
        type: 'string',
        enum: [...FINDING_SORTS],
        default: 'id',
        description:
          'id (stable, the default), severity, firstSeen or lastSeen; a leading - sorts descending. Ties go by id; a cursor only continues the sort it was returned for.',
      }),
    ),
    include: Type.Optional(
      Type.Array(Type.Unsafe<'evidence'>({ type: 'string', enum: ['evidence'] }), {
        maxItems: 1,
        description:
          'evidence: each item carries its evidence, as GET /v1/findings/:id does (a list leaves it out).',
      }),
    ),
    format: Type.Optional(
      Type.Unsafe<'csv' | 'json'>({
        type: 'string',
        enum: ['json', 'csv'],
        description: `csv (or Accept: text/csv): every match from the cursor on, up to ${CSV_MAX_ROWS} rows, ignoring limit.`,
      }),
    ),
  },
  { additionalProperties: false },
)

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

const SuppressBody = Type.Object(
  {
    reason: Type.String({ minLength: 3, maxLength: 1000 }),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'The suppression expires then.' })),
  },
  { additionalProperties: false },
)

/** A list cursor: the last row's id, and with a sort other than id the sort and its key. */
interface ListCursor {
  i: string
  s?: FindingSort
  k?: SortKey
}

const isCursor = (v: unknown): v is ListCursor => {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  if (typeof c.i !== 'string') return false
  if (c.s === undefined) return c.k === undefined
  return FINDING_SORTS.includes(c.s as FindingSort) && c.s !== 'id' && isSortKey(c.s as FindingSort, c.k)
}

function cursorOf(row: FindingRow | FindingSummaryRow, sort: FindingSort): ListCursor {
  return sort === 'id' ? { i: row.id } : { i: row.id, s: sort, k: sortKeyOf(row, sort) }
}

type DateFilters = Pick<
  FindingQuery,
  'firstSeenAfter' | 'firstSeenBefore' | 'lastSeenAfter' | 'lastSeenBefore'
>

/** The first/last-seen bounds; a window that ends before it starts is a 400 naming its end. */
function dateFilters(
  q: Partial<Record<`${'firstSeen' | 'lastSeen'}${'After' | 'Before'}`, string>>,
): DateFilters {
  const at = (name: keyof typeof q) => {
    const value = q[name]
    return value === undefined ? undefined : new Date(value)
  }
  const out: DateFilters = {}
  for (const seen of ['firstSeen', 'lastSeen'] as const) {
    const from = at(`${seen}After`)
    const to = at(`${seen}Before`)
    if (from && to && to.getTime() <= from.getTime())
      throw invalidField(`querystring.${seen}Before`, `must be later than ${seen}After`)
    out[`${seen}After`] = from
    out[`${seen}Before`] = to
  }
  return out
}

function summaryView(f: FindingSummaryRow) {
  return {
    id: f.id,
    fingerprint: f.fingerprint,
    ruleId: f.rule_id,
    severity: f.severity,
    status: f.status,
    title: f.title,
    accountId: f.account_id,
    accountName: f.account_name,
    ouPath: f.ou_path,
    resourceArn: f.resource_arn,
    firstSeenAt: f.first_seen_at,
    lastSeenAt: f.last_seen_at,
    firstSeenSweep: f.first_seen_sweep,
    lastSeenSweep: f.last_seen_sweep,
    resolvedAt: f.resolved_at,
    suppression:
      f.status === 'suppressed'
        ? {
            reason: f.suppressed_reason ?? '',
            by: f.suppressed_by,
            until: f.suppressed_until,
          }
        : null,
  }
}

/** A whole finding: its summary with the times written out, and its evidence. */
function view(f: FindingRow) {
  const summary = summaryView({
    ...f,
    first_seen_at: f.first_seen_at.toISOString(),
    last_seen_at: f.last_seen_at.toISOString(),
    resolved_at: f.resolved_at?.toISOString() ?? null,
    suppressed_until: f.suppressed_until?.toISOString() ?? null,
  })
  return { ...summary, evidence: f.evidence as Record<string, unknown> }
}

function sendCsv(reply: FastifyReply, body: Readable) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', 'attachment; filename="findings.csv"')
    .send(body)
}

/** Rule ids answering a control id, whatever CIS version or mapping family names it. */
function rulesForControl(control: string): string[] {
  const wanted = control.replace(/^CIS[-\s]?/i, '').toLowerCase()
  const isCis = /^cis/i.test(control)
  return catalogueMetadata()
    .filter((r) => {
      const c = r.controls as Record<string, readonly string[] | undefined>
      const cis = [...(c.cisV3 ?? []), ...(c.cisV5 ?? []), ...(c.cisV6 ?? [])]
      const others = [...(c.securityHub ?? []), ...(c.configRule ?? [])]
      return (isCis ? cis : others).some((v) => v.toLowerCase() === wanted)
    })
    .map((r) => r.id)
}

export async function findingRoutes(app: FastifyInstance, deps: { store: Store; webhooks?: Queue }) {
  const { store } = deps
  app.addSchema(Finding)
  app.addSchema(FindingListItem)

  app.get(
    '/v1/findings',
    {
      schema: {
        tags: ['findings'],
        summary: 'Findings across the organization, filtered and paged',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: {
          200: {
            description: 'A page of findings, or with CSV every match as text/csv.',
            content: {
              'application/json': {
                schema: Type.Object({
                  items: Type.Array(Type.Ref('FindingListItem')),
                  nextCursor: Type.Union([Type.String(), Type.Null()]),
                }),
              },
              'text/csv': {
                schema: Type.String({ description: `Header row: ${CSV_COLUMNS.join(',')}` }),
              },
            },
          },
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const q = req.query as {
        limit?: number
        cursor?: string
        ruleId?: string[]
        severity?: Severity
        accountId?: string
        ouId?: string
        status?: 'open' | 'resolved' | 'suppressed'
        control?: string
        resource?: string
        firstSeenAfter?: string
        firstSeenBefore?: string
        lastSeenAfter?: string
        lastSeenBefore?: string
        sort?: FindingSort
        include?: 'evidence'[]
        format?: 'csv' | 'json'
      }
      const sort = q.sort ?? 'id'
      const dates = dateFilters(q)
      const csv = wantsCsv(q.format, req.headers.accept)
      const empty = () =>
        csv
          ? sendCsv(
              reply,
              findingsCsv(async () => []),
            )
          : { items: [], nextCursor: null }
      let ruleIds = q.ruleId
      if (q.control) {
        const byControl = rulesForControl(q.control)
        if (byControl.length === 0)
          throw invalidField('querystring.control', `no rule maps to control ${q.control}`)
        ruleIds = ruleIds ? ruleIds.filter((r) => byControl.includes(r)) : byControl
        if (ruleIds.length === 0) return empty()
      }
      const filter = {
        ruleIds,
        minSeverity: q.severity,
        accountId: q.accountId,
        ouId: q.ouId,
        status: q.status,
        resource: q.resource,
        ...dates,
        sort,
      }
      const from = q.cursor ? decodeCursor(q.cursor, isCursor) : undefined
      if (from && (from.s ?? 'id') !== sort)
        throw invalidField('cursor', `continues sort ${from.s ?? 'id'}, not ${sort}`)
      const withEvidence = q.include?.includes('evidence') ?? false
      const position = (after: ListCursor | undefined, limit: number) => ({
        ...filter,
        after: after?.i,
        afterKey: after?.k,
        limit,
      })
      const list = (after: ListCursor | undefined, limit: number) =>
        store.findings.listSummaries(position(after, limit))
      if (csv) {
        return sendCsv(reply, findingsCsv(list, { after: from, next: (row) => cursorOf(row, sort) }))
      }
      const limit = q.limit ?? 50
      const rows: (FindingRow | FindingSummaryRow)[] = withEvidence
        ? await store.findings.list(position(from, limit + 1))
        : await list(from, limit + 1)
      const page = rows.slice(0, limit)
      return {
        items: withEvidence
          ? (page as FindingRow[]).map(view)
          : (page as FindingSummaryRow[]).map(summaryView),
        nextCursor: rows.length > limit ? encodeCursor(cursorOf(page.at(-1)!, sort)) : null,
      }
    },
  )

  app.get(
    '/v1/findings/:id',
    {
      schema: {
        tags: ['findings'],
        summary: 'One finding with its evidence',
        security: [{ bearer: [] }],
        params: Params,
        querystring: NoQuery,
        response: { 200: Type.Ref('Finding'), 404: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const row = await store.findings.get((req.params as { id: string }).id)
      if (!row) throw new Errors.NotFound('no such finding')
      return view(row)
    },
  )

  app.post(
    '/v1/findings/:id/suppress',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['findings'],
        summary: 'Suppress a finding (reason, optional expiry); it notifies no one until it expires',
        security: [{ bearer: [] }],
        params: Params,
        body: SuppressBody,
        response: { 200: Type.Ref('Finding'), 404: problemRef, 409: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string }
      const body = req.body as { reason: string; until?: string }
      const until = body.until ? new Date(body.until) : null
      if (until && until.getTime() <= Date.now()) throw invalidField('body.until', 'must be in the future')
      const existing = await store.findings.get(id)
      if (!existing) throw new Errors.NotFound('no such finding')
      if (existing.status === 'resolved') throw new Errors.Conflict('a resolved finding cannot be suppressed')
      const row = await store.findings.suppress(id, req.principal?.name ?? 'unknown', body.reason, until)
      // Subscribers of finding.suppressed hear about it; a queue hiccup must not undo the suppression.
      if (deps.webhooks)
        await enqueueSuppressionDispatch(deps.webhooks, id).catch((err) =>
          req.log.error({ err, findingId: id }, 'could not enqueue the suppression webhooks'),
        )
      return view(row!)
    },
  )

  app.delete(
    '/v1/findings/:id/suppress',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['findings'],
        summary: 'Lift a suppression: the finding is open again',
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Type.Ref('Finding'), 404: problemRef, 409: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string }
      const existing = await store.findings.get(id)
      if (!existing) throw new Errors.NotFound('no such finding')
      if (existing.status !== 'suppressed')
        throw new Errors.Conflict(`the finding is ${existing.status}, not suppressed`)
      return view((await store.findings.unsuppress(id))!)
    },
  )
}
