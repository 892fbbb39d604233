import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { SweepScope } from '../../../org/types.js'
import type { Queues } from '../../../queue/producer.js'
import { type SourceResolver, SourceUnavailableError } from '../../../sources/resolver.js'
import type { Store } from '../../../store/index.js'
import type { SweepRow } from '../../../store/schema.js'
import type { SweepAccounting } from '../../../store/sweeps-repo.js'
import {
  QueueUnavailableError,
  type StartSweepDeps,
  type SweepRequest,
  startSweep,
} from '../../../sweeps/start.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors, invalidField } from '../../errors.js'
import { authErrors, NoQuery, problemRef } from '../../schemas/common.js'
import {
  AccountResult,
  CreateSweepBody,
  IdempotencyHeaders,
  ListAccountsQuery,
  ListSweepsQuery,
  SweepParams,
} from './schemas.js'
import { sweepSnapshotRoute } from './snapshot.js'
import { accountView, frozenProgress, sweepView } from './view.js'

interface Deps {
  store: Store
  queues: Queues
  sources: SourceResolver
}

type CreateBody = { source?: { type: 'aws' | 'snapshot'; name?: string }; scope?: Partial<SweepScope> }

const isSweepCursor = (v: unknown): v is { c: string; i: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { c: unknown }).c === 'string' &&
  !Number.isNaN(Date.parse((v as { c: string }).c)) &&
  typeof (v as { i: unknown }).i === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { i: string }).i)

const isAccountCursor = (v: unknown): v is { a: string } =>
  typeof v === 'object' && v !== null && typeof (v as { a: unknown }).a === 'string'

export async function sweepRoutes(app: FastifyInstance, deps: Deps) {
  const { store } = deps
  await sweepSnapshotRoute(app, { store })

  async function load(id: string): Promise<SweepRow> {
    const row = await store.sweeps.get(id)
    if (!row) throw new Errors.NotFound(`sweep ${id} does not exist`)
    return row
  }

  const progressOf = (row: SweepRow) =>
    row.finished_at ? frozenProgress(row) : store.sweeps.progress(row.id)

  // Summing 5,000 accounts' statistics takes about 150 ms on PGlite. A finished sweep's no longer
  // change: summed once per process (the last 50 kept). A running sweep's are summed again at most
  // every 2 s, so clients polling its progress do not load the database with them.
  const accountingCache = new Map<string, { at: number; value: Promise<SweepAccounting> }>()
  function accountingOf(row: SweepRow): Promise<SweepAccounting> {
    const hit = accountingCache.get(row.id)
    if (hit && (row.finished_at ? hit.at >= row.finished_at.getTime() : Date.now() - hit.at < 2_000))
      return hit.value
    const value = store.sweeps.accounting(row.id)
    value.catch(() => accountingCache.delete(row.id))
    accountingCache.delete(row.id)
    if (accountingCache.size >= 50) accountingCache.delete(accountingCache.keys().next().value!)
    accountingCache.set(row.id, { at: Date.now(), value })
    return value
  }

  app.post(
    '/v1/sweeps',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sweeps'],
        summary: 'Start a sweep of the organization (or part of it)',
        security: [{ bearer: [] }],
        headers: IdempotencyHeaders,
        body: CreateSweepBody,
        response: { 202: Type.Ref('Sweep'), 422: problemRef, 503: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as CreateBody
      const source = body.source ?? { type: 'aws' as const }
      const name = source.type === 'aws' ? 'aws' : source.name
      if (!name) throw invalidField('body.source.name', 'is required when source.type is "snapshot"')
      const { sweep, created } = await startSweepOr4xx(
        deps,
        {
          source: { type: source.type, name },
          scope: normalizeScope(body.scope),
          requestedBy: req.principal?.name ?? 'anonymous',
          idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        },
        req.log,
      )
      if (!created) reply.header('idempotent-replayed', 'true')
      reply.code(202).header('location', `/v1/sweeps/${sweep.id}`)
      return sweepView(sweep, await progressOf(sweep))
    },
  )

  app.get(
    '/v1/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'List sweeps, newest first',
        security: [{ bearer: [] }],
        querystring: ListSweepsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Sweep')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query as { limit?: number; cursor?: string; status?: SweepRow['status'] }
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isSweepCursor) : undefined
      const rows = await store.sweeps.list({
        limit: limit + 1,
        status: q.status,
        after: after ? { createdAt: new Date(after.c), id: after.i } : undefined,
      })
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      const items = await Promise.all(page.map(async (r) => sweepView(r, await progressOf(r))))
      return {
        items,
        nextCursor:
          rows.length > limit && last ? encodeCursor({ c: last.created_at.toISOString(), i: last.id }) : null,
      }
    },
  )

  app.get(
    '/v1/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'A sweep: status, progress, timings, AWS call accounting and the accounts that were not collected',
        security: [{ bearer: [] }],
        params: SweepParams,
        querystring: NoQuery,
        response: { 200: Type.Ref('Sweep'), 404: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const row = await load((req.params as { id: string }).id)
      const [progress, unreachable, failed, accounting] = await Promise.all([
        progressOf(row),
        store.sweeps.accounts(row.id, { limit: 100, status: 'unreachable' }),
        store.sweeps.accounts(row.id, { limit: 100, status: 'failed' }),
        accountingOf(row),
      ])
      return sweepView(row, progress, [...unreachable, ...failed].slice(0, 100), accounting)
    },
  )

  app.get(
    '/v1/sweeps/:id/accounts',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Per-account outcomes of a sweep, by account id, with reasons',
        security: [{ bearer: [] }],
        params: SweepParams,
        querystring: ListAccountsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(AccountResult),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const row = await load((req.params as { id: string }).id)
      const q = req.query as { limit?: number; cursor?: string; status?: 'collected' }
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isAccountCursor).a : undefined
      const rows = await store.sweeps.accounts(row.id, { limit: limit + 1, after, status: q.status })
      const page = rows.slice(0, limit)
      return {
        items: page.map(accountView),
        nextCursor: rows.length > limit ? encodeCursor({ a: page.at(-1)!.account_id }) : null,
      }
    },
  )

  app.post(
    '/v1/sweeps/:id/cancel',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sweeps'],
        summary: 'Cancel a queued or running sweep; accounts already collected are kept',
        security: [{ bearer: [] }],
        params: SweepParams,
        response: { 202: Type.Ref('Sweep'), 404: problemRef, 409: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const row = await load((req.params as { id: string }).id)
      if (row.finished_at)
        throw new Errors.Conflict(`sweep ${row.id} already ended with status ${row.status}`)
      const updated = (await store.sweeps.requestCancel(row.id)) ?? row
      reply.code(202)
      return sweepView(updated, await progressOf(updated))
    },
  )
}

/** startSweep with its failures as problems: 422 naming the source field, 503 for the queue. */
export async function startSweepOr4xx(
  deps: StartSweepDeps,
  request: SweepRequest,
  log: FastifyBaseLogger,
  field = 'body.source',
): Promise<{ sweep: SweepRow; created: boolean }> {
  try {
    return await startSweep(deps, request)
  } catch (err) {
    if (err instanceof SourceUnavailableError) {
      const at = request.source.type === 'snapshot' ? `${field}.name` : `${field}.type`
      throw Object.assign(new Errors.SourceUnavailable(`${at}: ${err.message}`), {
        fieldErrors: [{ field: at, message: err.message }],
      })
    }
    if (err instanceof QueueUnavailableError) {
      log.error({ err: err.cause }, 'could not enqueue sweep')
      throw Object.assign(new Error(err.message), { statusCode: 503, code: 'queue-unavailable' })
    }
    throw err
  }
}

/** A request's scope, complete: no ids means the whole organization. */
export function normalizeScope(scope: Partial<SweepScope> | undefined, field = 'body.scope'): SweepScope {
  const ous = scope?.organizationalUnitIds ?? []
  const accounts = scope?.accountIds ?? []
  if (scope?.all === true && (ous.length > 0 || accounts.length > 0)) {
    throw invalidField(`${field}.all`, 'cannot be combined with organizationalUnitIds or accountIds')
  }
  if (scope?.all === false && ous.length === 0 && accounts.length === 0) {
    throw invalidField(field, 'names no organizational unit and no account')
  }
  const all = ous.length === 0 && accounts.length === 0
  return { all, organizationalUnitIds: ous, accountIds: accounts }
}
