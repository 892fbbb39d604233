import { Type } from 'typebox'
import { PageQuery, Uuid } from '../../schemas/common.js'
import { Scope, Source, SweepStatus } from '../sweeps/schemas.js'

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'A label for people, e.g. "nightly full sweep".',
})
const Cron = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    'Cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, ' +
    'or @hourly/@daily/@weekly/@monthly/@yearly. Evaluated in `timezone`.',
  examples: ['0 2 * * *', '30 6 * * 1-5'],
})
const Timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone the cron expression is read in (handles daylight saving).',
  examples: ['UTC', 'Europe/Berlin'],
})
const Enabled = Type.Boolean({
  description: 'A disabled schedule keeps its settings and history but never fires.',
})

export const CreateScheduleBody = Type.Object(
  {
    name: Name,
    cron: Cron,
    timezone: Type.Optional({ ...Timezone, default: 'UTC' }),
    scope: Type.Optional(Scope),
    source: Type.Optional(Source),
    enabled: Type.Optional({ ...Enabled, default: true }),
  },
  { additionalProperties: false },
)

export const UpdateScheduleBody = Type.Object(
  {
    name: Type.Optional(Name),
    cron: Type.Optional(Cron),
    timezone: Type.Optional(Timezone),
    scope: Type.Optional(Scope),
    source: Type.Optional(Source),
    enabled: Type.Optional(Enabled),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the fields sent change (merge semantics); `scope` and `source` are replaced whole.',
  },
)

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const ScheduleRun = Type.Object(
  {
    firedAt: Type.String({ format: 'date-time', description: 'When the timetable came due.' }),
    outcome: Type.Unsafe<'started' | 'skipped' | 'failed'>({
      type: 'string',
      enum: ['started', 'skipped', 'failed'],
      description:
        'started: a sweep was started; skipped: the sweep this schedule started before was still ' +
        'queued or running; failed: no sweep could be started (see reason).',
    }),
    sweepId: Type.Union([Uuid, Type.Null()]),
    sweepStatus: Type.Union([SweepStatus, Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ScheduleRun' },
)

export const Schedule = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    cron: Type.String(),
    timezone: Type.String(),
    scope: Type.Object({
      all: Type.Boolean(),
      organizationalUnitIds: Type.Array(Type.String()),
      accountIds: Type.Array(Type.String()),
    }),
    source: Type.Object({ type: Type.String(), name: Type.String() }),
    enabled: Type.Boolean(),
    nextRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'The next firing, as the job scheduler has it; null when disabled.',
    }),
    runs: Type.Object({
      started: Type.Integer({ description: "Firings that started a sweep, over the schedule's life." }),
      skipped: Type.Integer({ description: 'Firings skipped because the previous sweep was still running.' }),
      failed: Type.Integer({ description: 'Firings that could not start a sweep.' }),
      lastFiredAt: Timestamp,
      lastSkippedAt: Timestamp,
    }),
    recentRuns: Type.Optional(
      Type.Array(Type.Ref('ScheduleRun'), {
        description: 'The newest firings (GET of one schedule only); all of them: links.runs.',
      }),
    ),
    createdBy: Type.String(),
    updatedBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    links: Type.Object({ self: Type.String(), runs: Type.String() }),
  },
  { $id: 'Schedule' },
)

export const ScheduleParams = Type.Object({ id: Uuid }, { additionalProperties: false })

export const ListSchedulesQuery = Type.Object(
  { ...PageQuery, enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)

export const ListRunsQuery = Type.Object(
  {
    ...PageQuery,
    outcome: Type.Optional(
      Type.Unsafe<'started' | 'skipped' | 'failed'>({
        type: 'string',
        enum: ['started', 'skipped', 'failed'],
      }),
    ),
  },
  { additionalProperties: false },
)
