import { Type } from 'typebox'
import { AccountId, OuOrRootId, PageQuery, Uuid } from '../../schemas/common.js'

export const SweepStatus = Type.Unsafe<'queued' | 'running' | 'completed' | 'failed' | 'cancelled'>({
  type: 'string',
  enum: ['queued', 'running', 'completed', 'failed', 'cancelled'],
})
export const AccountOutcome = Type.Unsafe<
  'pending' | 'running' | 'collected' | 'unreachable' | 'failed' | 'cancelled'
>({
  type: 'string',
  enum: ['pending', 'running', 'collected', 'unreachable', 'failed', 'cancelled'],
})

export const Source = Type.Object(
  {
    type: Type.Unsafe<'aws' | 'snapshot'>({ type: 'string', enum: ['aws', 'snapshot'] }),
    name: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
        description: 'For type "snapshot": the snapshot file name without .json, e.g. "demo-org".',
      }),
    ),
  },
  { additionalProperties: false, description: 'Where the sweep reads the organization from.' },
)

export const Scope = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'The whole organization (the default).' })),
    organizationalUnitIds: Type.Optional(
      Type.Array(OuOrRootId, {
        maxItems: 1000,
        uniqueItems: true,
        description: 'OUs, with their descendants.',
      }),
    ),
    accountIds: Type.Optional(Type.Array(AccountId, { maxItems: 10000, uniqueItems: true })),
  },
  { additionalProperties: false },
)

export const CreateSweepBody = Type.Object(
  {
    source: Type.Optional(Source),
    scope: Type.Optional(Scope),
  },
  { additionalProperties: false },
)

export const Progress = Type.Object({
  total: Type.Integer(),
  done: Type.Integer({ description: 'Accounts with an outcome.' }),
  failed: Type.Integer({ description: 'Accounts unreachable or failed.' }),
  byStatus: Type.Record(Type.String(), Type.Integer()),
})

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const AccountResult = Type.Object(
  {
    accountId: Type.String(),
    accountName: Type.String(),
    ouPath: Type.String(),
    status: AccountOutcome,
    reason: Type.Union([Type.String(), Type.Null()]),
    attempts: Type.Integer(),
    startedAt: Timestamp,
    finishedAt: Timestamp,
    stats: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  },
  { $id: 'SweepAccount' },
)

const PerAccount = (unit: string) =>
  Type.Object({
    mean: Type.Union([Type.Number(), Type.Null()], { description: `Mean ${unit} per account.` }),
    max: Type.Union([Type.Integer(), Type.Null()], { description: `Most ${unit} of one account.` }),
  })

export const SweepAccounting = Type.Object(
  {
    accounts: Type.Integer({ description: 'Accounts whose attempt recorded call statistics.' }),
    totalCalls: Type.Integer({ description: 'AWS requests sent (each page counts).' }),
    callsByOperation: Type.Record(Type.String(), Type.Integer(), {
      description: 'Requests per `service:Operation`, summed over the accounts.',
    }),
    retries: Type.Integer({ description: 'Extra HTTP attempts the SDK made (throttling, 5xx, network).' }),
    throttled: Type.Integer({ description: 'Answers that asked us to slow down.' }),
    errors: Type.Integer({ description: 'Calls that failed after the SDK retries (gaps, refusals).' }),
    responseBytes: Type.Integer({
      description: 'Response bytes announced by Content-Length (a lower bound).',
    }),
    callsPerAccount: Type.Object({
      ...PerAccount('calls').properties,
      maxAccountId: Type.Union([Type.String(), Type.Null()], {
        description: 'The account with the most calls.',
      }),
    }),
    durationMsPerAccount: PerAccount('milliseconds'),
  },
  {
    description:
      "AWS calls of the sweep's accounts, summed from their stored statistics (see links.accounts for each account's). The organization read is not included.",
  },
)

export const Sweep = Type.Object(
  {
    id: Uuid,
    status: SweepStatus,
    source: Type.Object({ type: Type.String(), name: Type.String() }),
    scope: Type.Object({
      all: Type.Boolean(),
      organizationalUnitIds: Type.Array(Type.String()),
      accountIds: Type.Array(Type.String()),
    }),
    requestedBy: Type.String(),
    organizationId: Type.Union([Type.String(), Type.Null()]),
    cancelRequested: Type.Boolean(),
    progress: Progress,
    error: Type.Union([Type.String(), Type.Null()]),
    timings: Type.Object({
      createdAt: Type.String({ format: 'date-time' }),
      startedAt: Timestamp,
      orgReadAt: Timestamp,
      finishedAt: Timestamp,
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
    problems: Type.Optional(
      Type.Array(Type.Ref('SweepAccount'), {
        description: 'Accounts that were not collected, with the reason (first 100; see links.accounts).',
      }),
    ),
    accounting: Type.Optional(SweepAccounting),
    links: Type.Object({ self: Type.String(), accounts: Type.String() }),
  },
  { $id: 'Sweep' },
)

export const SweepParams = Type.Object({ id: Uuid }, { additionalProperties: false })

export const ListSweepsQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(SweepStatus) },
  { additionalProperties: false },
)

export const ListAccountsQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(AccountOutcome) },
  { additionalProperties: false },
)

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Repeat a POST with the same key and the same sweep is returned, not a second one.',
    }),
  ),
})
