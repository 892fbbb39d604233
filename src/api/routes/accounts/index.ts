import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import {
  compareConfigCompliance,
  orgwardenRulesByConfigRule,
  type StoredConfigCompliance,
} from '../../../assess/config-agreement.js'
import { buildOrgTree, type OrgTree } from '../../../org/tree.js'
import type { OrgAccount } from '../../../org/types.js'
import {
  type AccountOutcomeRow,
  createAccountsRepo,
  emptySeverityCounts,
  hasOpenAtLeast,
  type SeverityCounts,
} from '../../../store/accounts-repo.js'
import { SEVERITY_ORDER, type Severity } from '../../../store/findings-repo.js'
import type { Store } from '../../../store/index.js'
import type { SweepRow } from '../../../store/schema.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors, invalidField } from '../../errors.js'
import { AccountId, authErrors, OuOrRootId, PageQuery, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'

const OUTCOMES = [
  'collected',
  'unreachable',
  'failed',
  'cancelled',
  'pending',
  'running',
  'not-swept',
] as const
type Outcome = (typeof OUTCOMES)[number]
const ACCOUNT_STATUSES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'] as const

const SeverityEnum = Type.Unsafe<Severity>({ type: 'string', enum: [...SEVERITY_ORDER] })
const OutcomeEnum = Type.Unsafe<Outcome>({ type: 'string', enum: [...OUTCOMES] })
const SweepIdQuery = Type.Optional(
  Type.String({ format: 'uuid', description: 'Default: the newest completed sweep.' }),
)

export const SeverityCountsSchema = Type.Object(
  {
    critical: Type.Integer(),
    high: Type.Integer(),
    medium: Type.Integer(),
    low: Type.Integer(),
    info: Type.Integer(),
    total: Type.Integer(),
  },
  { description: 'Findings counted by severity.' },
)

const Account = Type.Object(
  {
    accountId: Type.String(),
    name: Type.String(),
    email: Type.String(),
    status: Type.Unsafe<string>({ type: 'string', enum: [...ACCOUNT_STATUSES] }),
    ouId: Type.String({ description: 'The OU (or root) the account sits in directly.' }),
    ouPath: Type.String(),
    tags: Type.Record(Type.String(), Type.String()),
    lastSweep: Type.Object({
      sweepId: Type.String(),
      outcome: OutcomeEnum,
      reason: Type.Union([Type.String(), Type.Null()]),
      finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
    openFindings: SeverityCountsSchema,
  },
  { $id: 'Account' },
)

const ListQuery = Type.Object(
  {
    ...PageQuery,
    sweepId: SweepIdQuery,
    ouId: Type.Optional(OuOrRootId),
    status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...ACCOUNT_STATUSES] })),
    outcome: Type.Optional(OutcomeEnum),
    hasFindings: Type.Optional(
      Type.Boolean({ description: 'With (true) or without (false) open findings (at least minSeverity).' }),
    ),
    minSeverity: Type.Optional({
      ...SeverityEnum,
      description: 'Only accounts with an open finding at least this severe (unless hasFindings=false).',
    }),
  },
  { additionalProperties: false },
)

const AgreementEnum = Type.Unsafe<'agree' | 'disagree' | 'unknown'>({
  type: 'string',
  enum: ['agree', 'disagree', 'unknown'],
})

const AwsConfigComparison = Type.Object(
  {
    status: Type.Unsafe<string>({
      type: 'string',
      enum: ['read', 'no-aggregator', 'unavailable', 'not-read'],
      description:
        '`read`: the aggregator answered; `no-aggregator`: none found; `unavailable`: it could not be read; `not-read`: no aggregator is configured, or the account was not collected.',
    }),
    aggregator: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    summary: Type.Object({ agree: Type.Integer(), disagree: Type.Integer(), unknown: Type.Integer() }),
    unmappedRules: Type.Integer({ description: 'Config rules reported that no Orgwarden rule maps to.' }),
    rules: Type.Array(
      Type.Object({
        configRuleName: Type.String(),
        managedRule: Type.String({ description: 'The AWS Config managed rule, e.g. iam-password-policy.' }),
        region: Type.String(),
        configCompliance: Type.String({
          description: 'COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA.',
        }),
        orgwardenRules: Type.Array(Type.String(), {
          description: 'Orgwarden rules mapped to this Config rule.',
        }),
        orgwarden: Type.Object({
          status: Type.Unsafe<string>({ type: 'string', enum: ['non-compliant', 'compliant', 'unknown'] }),
          openFindings: Type.Integer(),
          suppressedFindings: Type.Integer(),
        }),
        agreement: AgreementEnum,
      }),
    ),
  },
  {
    description:
      "AWS Config's compliance of the IAM managed rules (from the organization's aggregator, as read by the sweep) beside Orgwarden's findings of the mapped rules (open or suppressed, as of now).",
  },
)

const isCursor = (v: unknown): v is { a: string } =>
  typeof v === 'object' && v !== null && typeof (v as { a: unknown }).a === 'string'

function view(
  a: OrgAccount,
  tree: OrgTree,
  sweep: SweepRow,
  outcome: AccountOutcomeRow | undefined,
  counts: SeverityCounts | undefined,
  keptTags: Record<string, string> | undefined,
) {
  return {
    accountId: a.id,
    name: a.name,
    email: a.email,
    status: a.status,
    ouId: a.parentId,
    ouPath: tree.orgPath(a.id),
    tags: keptTags ?? a.tags ?? {},
    lastSweep: {
      sweepId: sweep.id,
      outcome: (outcome?.status ?? 'not-swept') as Outcome,
      reason: outcome
        ? outcome.reason
        : 'not in the scope of this sweep (suspended or closing accounts are left out)',
      finishedAt: outcome?.finishedAt?.toISOString() ?? null,
    },
    openFindings: counts ?? emptySeverityCounts(),
  }
}

export async function accountRoutes(app: FastifyInstance, deps: { store: Store }) {
  const { store } = deps
  const repo = createAccountsRepo(store.handle.db)
  app.addSchema(Account)

  async function orgOf(sweep: SweepRow): Promise<OrgTree> {
    const snapshot = await store.sweeps.orgSnapshot(sweep.id)
    if (!snapshot) throw new Errors.NotFound(`sweep ${sweep.id} has not read its organization`)
    return buildOrgTree(snapshot)
  }

  app.get(
    '/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: "Every account of a sweep's organization with its collection outcome and open findings",
        description:
          "Accounts come from the sweep's organization snapshot, including those the sweep left out " +
          '(outcome `not-swept`). Open findings are counted as of now, and tags are the latest read ' +
          '(Orgwarden keeps them across sweeps and re-reads them once a day). Paged by account id.',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: {
          200: Type.Object({
            sweepId: Type.String(),
            organizationId: Type.String(),
            items: Type.Array(Type.Ref('Account')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query as {
        limit?: number
        cursor?: string
        sweepId?: string
        ouId?: string
        status?: string
        outcome?: Outcome
        hasFindings?: boolean
        minSeverity?: Severity
      }
      const after = q.cursor ? decodeCursor(q.cursor, isCursor).a : undefined
      const sweep = await sweepFor(store, q.sweepId)
      const tree = await orgOf(sweep)
      let under: Set<string> | undefined
      if (q.ouId) {
        const node = tree.node(q.ouId)
        if (!node || node.type === 'ACCOUNT')
          throw invalidField(
            'querystring.ouId',
            `is not an OU or root of organization ${tree.snapshot.organization.id}`,
          )
        under = new Set(tree.accountsUnder(q.ouId))
      }
      const [outcomes, counts] = await Promise.all([repo.outcomes(sweep.id), repo.openCounts()])
      const wantFindings = q.hasFindings ?? (q.minSeverity ? true : undefined)
      const limit = q.limit ?? 50
      const matching = [...tree.snapshot.accounts]
        .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
        .filter(
          (a) =>
            (after === undefined || a.id > after) &&
            (!under || under.has(a.id)) &&
            (!q.status || a.status === q.status) &&
            (!q.outcome || (outcomes.get(a.id)?.status ?? 'not-swept') === q.outcome) &&
            (wantFindings === undefined || hasOpenAtLeast(counts.get(a.id), q.minSeverity) === wantFindings),
        )
      const page = matching.slice(0, limit)
      const kept = await store.accountTags.get(page.map((a) => a.id))
      return {
        sweepId: sweep.id,
        organizationId: tree.snapshot.organization.id,
        items: page.map((a) => view(a, tree, sweep, outcomes.get(a.id), counts.get(a.id), kept.get(a.id))),
        nextCursor: matching.length > limit ? encodeCursor({ a: page.at(-1)!.id }) : null,
      }
    },
  )

  app.get(
    '/v1/accounts/:accountId',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'One account: outcome, open findings, guardrail verdicts by kind, AWS Config beside Orgwarden, and links',
        security: [{ bearer: [] }],
        params: Type.Object({ accountId: AccountId }, { additionalProperties: false }),
        querystring: Type.Object({ sweepId: SweepIdQuery }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            sweepId: Type.String(),
            organizationId: Type.String(),
            account: Type.Ref('Account'),
            guardrails: Type.Object({
              enforced: Type.Integer(),
              'not-enforced': Type.Integer(),
              exempted: Type.Integer(),
              'not-applicable': Type.Integer(),
            }),
            awsConfig: AwsConfigComparison,
            links: Type.Object({ findings: Type.String(), guardrails: Type.String() }),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const { accountId } = req.params as { accountId: string }
      const sweep = await sweepFor(store, (req.query as { sweepId?: string }).sweepId)
      const tree = await orgOf(sweep)
      const account = tree.account(accountId)
      if (!account)
        throw new Errors.NotFound(`account ${accountId} is not in the organization of sweep ${sweep.id}`)
      const mapped = [...new Set([...orgwardenRulesByConfigRule().values()].flat())]
      const [outcomes, counts, verdicts, compliance, byRule, kept] = await Promise.all([
        repo.outcomes(sweep.id, accountId),
        repo.openCounts(accountId),
        repo.verdictCounts(sweep.id, accountId),
        repo.configCompliance(sweep.id, accountId),
        repo.findingsByRule(accountId, mapped),
        store.accountTags.get([accountId]),
      ])
      const judged = outcomes.get(accountId)?.status === 'collected'
      return {
        sweepId: sweep.id,
        organizationId: tree.snapshot.organization.id,
        account: view(
          account,
          tree,
          sweep,
          outcomes.get(accountId),
          counts.get(accountId),
          kept.get(accountId),
        ),
        guardrails: verdicts,
        awsConfig: compareConfigCompliance(compliance as StoredConfigCompliance | undefined, byRule, judged),
        links: {
          findings: `/v1/findings?accountId=${accountId}`,
          guardrails: `/v1/accounts/${accountId}/guardrails?sweepId=${sweep.id}`,
        },
      }
    },
  )
}
