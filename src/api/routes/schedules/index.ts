import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { SweepScope } from '../../../org/types.js'
import type { Queues } from '../../../queue/producer.js'
import { nextRunAt, removeScheduler, syncScheduler } from '../../../schedules/scheduler.js'
import { timetableProblem } from '../../../schedules/timetable.js'
import { type SourceResolver, SourceUnavailableError } from '../../../sources/resolver.js'
import type { Store } from '../../../store/index.js'
import type { SchedulePatch } from '../../../store/schedules-repo.js'
import type { ScheduleRow, ScheduleRunOutcome } from '../../../store/schema.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors, invalidField } from '../../errors.js'
import { authErrors, NoQuery, problemRef } from '../../schemas/common.js'
import { normalizeScope } from '../sweeps/index.js'
import {
  CreateScheduleBody,
  ListRunsQuery,
  ListSchedulesQuery,
  ScheduleParams,
  UpdateScheduleBody,
} from './schemas.js'
import { runView, scheduleView } from './view.js'

interface Deps {
  store: Store
  queues: Queues
  sources: SourceResolver
}

type SourceBody = { type: 'aws' | 'snapshot'; name?: string }
interface ScheduleBody {
  name?: string
  cron?: string
  timezone?: string
  scope?: Partial<SweepScope>
  source?: SourceBody
  enabled?: boolean
}

const RECENT_RUNS = 20

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Repeat a POST with the same key and the same schedule is returned, not a second one.',
    }),
  ),
})

const isListCursor = (v: unknown): v is { c: string; i: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { c: unknown }).c === 'string' &&
  !Number.isNaN(Date.parse((v as { c: string }).c)) &&
  typeof (v as { i: unknown }).i === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { i: string }).i)

const isRunCursor = (v: unknown): v is { f: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { f: unknown }).f === 'string' &&
  !Number.isNaN(Date.parse((v as { f: string }).f))

const queueUnavailable = (log: FastifyBaseLogger, err: unknown) => {
  log.error({ err }, 'could not update the job scheduler of a schedule')
  return Object.assign(new Error('the job queue (Redis) is unavailable; nothing was changed'), {
    statusCode: 503,
    code: 'queue-unavailable',
  })
}

/** /v1/schedules: sweeps on a cron timetable, each backed by a BullMQ job scheduler. */
export async function scheduleRoutes(app: FastifyInstance, deps: Deps) {
  const { store, queues } = deps

  async function load(id: string): Promise<ScheduleRow> {
    const row = await store.schedules.get(id)
    if (!row) throw new Errors.NotFound(`schedule ${id} does not exist`)
    return row
  }

  /** `source` as stored: the snapshot must exist (or the AWS source be configured) now. */
  async function checkSource(source: SourceBody): Promise<{ type: 'aws' | 'snapshot'; name: string }> {
    const name = source.type === 'aws' ? 'aws' : source.name
    if (!name) throw invalidField('body.source.name', 'is required when source.type is "snapshot"')
    try {
      await deps.sources.resolve(source.type, name)
    } catch (err) {
      if (err instanceof SourceUnavailableError) {
        const field = source.type === 'snapshot' ? 'body.source.name' : 'body.source.type'
        throw Object.assign(new Errors.SourceUnavailable(`${field}: ${err.message}`), {
          fieldErrors: [{ field, message: err.message }],
        })
      }
      throw err
    }
    return { type: source.type, name }
  }

  function checkTimetable(cron: string, timezone: string) {
    const problem = timetableProblem(cron, timezone)
    if (problem) throw invalidField(`body.${problem.field}`, problem.message)
  }

  const view = async (row: ScheduleRow, withRuns = false) =>
    scheduleView(
      row,
      row.enabled ? await nextRunAt(queues, row.id) : null,
      withRuns ? await store.schedules.runs(row.id, { limit: RECENT_RUNS }) : undefined,
    )

  app.post(
    '/v1/schedules',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['schedules'],
        summary: 'Create a schedule: sweeps on a cron timetable in a time zone',
        security: [{ bearer: [] }],
        headers: IdempotencyHeaders,
        body: CreateScheduleBody,
        response: { 201: Type.Ref('Schedule'), 422: problemRef, 503: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const body = req.body as Required<Pick<ScheduleBody, 'name' | 'cron' | 'timezone' | 'enabled'>> &
        ScheduleBody
      const cron = body.cron.trim()
      checkTimetable(cron, body.timezone)
      const scope = normalizeScope(body.scope)
      const source = await checkSource(body.source ?? { type: 'aws' })
      const by = req.principal?.name ?? 'anonymous'
      const { schedule, created } = await store.schedules.create({
        id: randomUUID(),
        name: body.name,
        cron,
        timezone: body.timezone,
        scope,
        sourceKind: source.type,
        sourceName: source.name,
        enabled: body.enabled,
        createdBy: by,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      })
      if (created) {
        try {
          await syncScheduler(queues, schedule)
        } catch (err) {
          // Without its scheduler the schedule would never fire: take it back and say why.
          await store.schedules.delete(schedule.id)
          throw queueUnavailable(req.log, err)
        }
      } else {
        reply.header('idempotent-replayed', 'true')
      }
      reply.code(201).header('location', `/v1/schedules/${schedule.id}`)
      return view(schedule, true)
    },
  )

  app.get(
    '/v1/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'List schedules, newest first',
        security: [{ bearer: [] }],
        querystring: ListSchedulesQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Schedule')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query as { limit?: number; cursor?: string; enabled?: boolean }
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isListCursor) : undefined
      const rows = await store.schedules.list({
        limit: limit + 1,
        enabled: q.enabled,
        after: after ? { createdAt: new Date(after.c), id: after.i } : undefined,
      })
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      return {
        items: await Promise.all(page.map((r) => view(r))),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ c: last.created_at.toISOString(), i: last.id }) : null,
      }
    },
  )

  app.get(
    '/v1/schedules/:id',
    {
      schema: {
        tags: ['schedules'],
        summary: 'A schedule: timetable, next run, run totals and its newest runs (sweeps started, skipped)',
        security: [{ bearer: [] }],
        params: ScheduleParams,
        querystring: NoQuery,
        response: { 200: Type.Ref('Schedule'), 404: problemRef, ...authErrors },
      },
    },
    async (req) => view(await load((req.params as { id: string }).id), true),
  )

  app.get(
    '/v1/schedules/:id/runs',
    {
      schema: {
        tags: ['schedules'],
        summary: "A schedule's runs, newest first: the sweeps it started and the firings it skipped",
        security: [{ bearer: [] }],
        params: ScheduleParams,
        querystring: ListRunsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('ScheduleRun')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const row = await load((req.params as { id: string }).id)
      const q = req.query as { limit?: number; cursor?: string; outcome?: ScheduleRunOutcome }
      const limit = q.limit ?? 50
      const before = q.cursor ? new Date(decodeCursor(q.cursor, isRunCursor).f) : undefined
      const runs = await store.schedules.runs(row.id, { limit: limit + 1, before, outcome: q.outcome })
      const page = runs.slice(0, limit)
      const last = page.at(-1)
      return {
        items: page.map(runView),
        nextCursor: runs.length > limit && last ? encodeCursor({ f: last.firedAt.toISOString() }) : null,
      }
    },
  )

  app.patch(
    '/v1/schedules/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['schedules'],
        summary: 'Change a schedule (only the fields sent); enabled: false stops its firings',
        security: [{ bearer: [] }],
        params: ScheduleParams,
        body: UpdateScheduleBody,
        response: {
          200: Type.Ref('Schedule'),
          404: problemRef,
          422: problemRef,
          503: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const before = await load((req.params as { id: string }).id)
      const body = req.body as ScheduleBody
      const patch: SchedulePatch = {}
      if (body.name !== undefined) patch.name = body.name
      if (body.cron !== undefined) patch.cron = body.cron.trim()
      if (body.timezone !== undefined) patch.timezone = body.timezone
      if (body.cron !== undefined || body.timezone !== undefined) {
        checkTimetable(patch.cron ?? before.cron, patch.timezone ?? before.timezone)
      }
      if (body.scope !== undefined) patch.scope = normalizeScope(body.scope)
      if (body.source !== undefined) {
        const source = await checkSource(body.source)
        patch.sourceKind = source.type
        patch.sourceName = source.name
      }
      if (body.enabled !== undefined) patch.enabled = body.enabled
      const after = await store.schedules.update(before.id, patch, req.principal?.name ?? 'anonymous')
      if (!after) throw new Errors.NotFound(`schedule ${before.id} does not exist`)
      const timetableChanged =
        after.cron !== before.cron || after.timezone !== before.timezone || after.enabled !== before.enabled
      if (timetableChanged) {
        try {
          await syncScheduler(queues, after)
        } catch (err) {
          await store.schedules.restore(before)
          throw queueUnavailable(req.log, err)
        }
      }
      return view(after, true)
    },
  )

  app.delete(
    '/v1/schedules/:id',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['schedules'],
        summary: 'Delete a schedule; the sweeps it started are kept',
        security: [{ bearer: [] }],
        params: ScheduleParams,
        response: { 204: Type.Null(), 404: problemRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string }
      if (!(await store.schedules.delete(id))) throw new Errors.NotFound(`schedule ${id} does not exist`)
      try {
        await removeScheduler(queues, id)
      } catch (err) {
        // The row is gone: a pending firing finds no schedule and removes its scheduler itself.
        req.log.warn({ err, scheduleId: id }, 'could not remove the job scheduler of a deleted schedule')
      }
      reply.code(204)
    },
  )
}
