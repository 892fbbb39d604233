import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { PolicyCatalogs } from '../../../assess/guardrails.js'
import {
  type SimulationInput,
  SimulationInputError,
  SimulationNotFoundError,
  simulate,
} from '../../../assess/simulate.js'
import type { AccountState } from '../../../org/account-state.js'
import { buildOrgTree } from '../../../org/tree.js'
import type { Store } from '../../../store/index.js'
import { Errors, invalidField } from '../../errors.js'
import { AccountId, authErrors, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'

const PrincipalByArn = Type.Object(
  {
    arn: Type.String({
      maxLength: 2048,
      description:
        'arn:aws:iam::<account>:root | user/<path>/<name> | role/<path>/<name>, or an assumed-role ARN.',
    }),
  },
  { additionalProperties: false },
)
const PrincipalByKind = Type.Object(
  {
    kind: Type.Unsafe<'root' | 'user' | 'role'>({ type: 'string', enum: ['root', 'user', 'role'] }),
    accountId: AccountId,
    name: Type.Optional(
      Type.String({
        pattern: '^[\\w+=,.@-]{1,128}$',
        description:
          'A collected user or role is evaluated with its own policies; without a name, a generic one.',
      }),
    ),
  },
  { additionalProperties: false },
)

const SimulateBody = Type.Object(
  {
    principal: Type.Union([PrincipalByArn, PrincipalByKind]),
    action: Type.String({ pattern: '^[A-Za-z0-9-]+:[A-Za-z0-9]+$', description: 'e.g. ec2:RunInstances' }),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'Default: *' })),
    region: Type.Optional(
      Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$', description: 'aws:RequestedRegion' }),
    ),
    context: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 256 }),
        Type.Union([Type.String(), Type.Array(Type.String())]),
        {
          description: 'Condition keys to add or override, e.g. {"aws:MultiFactorAuthPresent": "true"}.',
        },
      ),
    ),
    sweepId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Default: the newest completed sweep.' }),
    ),
  },
  { additionalProperties: false },
)

const Level = Type.Object({ targetId: Type.String(), name: Type.Optional(Type.String()) })
export const StatementRefSchema = Type.Object({
  policyType: Type.String({ description: 'identity, boundary, session, resource, scp or rcp' }),
  policyId: Type.String(),
  policyName: Type.Optional(Type.String()),
  statementIndex: Type.Integer(),
  sid: Type.Optional(Type.String()),
  effect: Type.String(),
  level: Type.Optional(Level),
})
const TypeDetail = Type.Object({
  allows: Type.Array(StatementRefSchema),
  denies: Type.Array(StatementRefSchema),
})
const ChainDetail = Type.Object({
  applies: Type.Boolean(),
  skipReason: Type.Optional(Type.String()),
  allowed: Type.Boolean(),
  levels: Type.Array(
    Type.Object({
      targetId: Type.String(),
      name: Type.Optional(Type.String()),
      allowed: Type.Boolean({ description: 'Some policy at this level allows the request.' }),
      allows: Type.Array(StatementRefSchema),
      denies: Type.Array(StatementRefSchema),
    }),
  ),
})
const PolicyRef = Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) })

const SimulateResponse = Type.Object({
  sweepId: Type.String(),
  decision: Type.Unsafe<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'>({
    type: 'string',
    enum: ['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'],
  }),
  decidedBy: Type.String({
    description: 'The step of AWS evaluation that settled it, e.g. scp, identity-policy.',
  }),
  deciding: Type.Array(StatementRefSchema, { description: 'The denies, or the allows that granted.' }),
  blockedAt: Type.Optional(
    Type.Object(
      { policyType: Type.String(), targetId: Type.String(), name: Type.Optional(Type.String()) },
      {
        description: 'The first SCP/RCP level without an Allow, when that is what denied.',
      },
    ),
  ),
  crossAccount: Type.Boolean(),
  details: Type.Object({
    identity: Type.Optional(TypeDetail),
    boundary: Type.Optional(TypeDetail),
    session: Type.Optional(TypeDetail),
    resource: Type.Optional(TypeDetail),
    scp: Type.Optional(ChainDetail),
    rcp: Type.Optional(ChainDetail),
  }),
  principal: Type.Object({
    arn: Type.String(),
    kind: Type.String(),
    accountId: Type.String(),
    collected: Type.Boolean({ description: 'Its own policies were evaluated (false: a generic principal).' }),
  }),
  evaluatedPolicies: Type.Object({ identity: Type.Array(PolicyRef), boundary: Type.Optional(PolicyRef) }),
  warnings: Type.Array(Type.String()),
})

export async function simulateRoutes(app: FastifyInstance, deps: { store: Store; catalogs: PolicyCatalogs }) {
  const { store, catalogs } = deps

  app.post(
    '/v1/simulate',
    {
      schema: {
        tags: ['guardrails'],
        summary: 'Decide one request the way AWS would, from a sweep',
        description:
          "Evaluates the request through the principal's account SCP chain (root → OUs → account), the RCP chain " +
          "of the resource's account, and the principal's collected identity policies and permissions boundary. " +
          'A principal that was not collected is evaluated as if its identity policies allowed everything, so the ' +
          'answer is about SCPs alone; `warnings` says so.',
        security: [{ bearer: [] }],
        body: SimulateBody,
        response: { 200: SimulateResponse, 404: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const body = req.body as SimulationInput & { sweepId?: string }
      const iam = await catalogs.iam()
      const sweep = await sweepFor(store, body.sweepId)
      const snapshot = await store.sweeps.orgSnapshot(sweep.id)
      if (!snapshot) throw new Errors.NotFound(`sweep ${sweep.id} has no organization snapshot`)
      const tree = buildOrgTree(snapshot)
      try {
        // Resolve first so a bad ARN is a 400 before any read.
        const accountId =
          'arn' in body.principal ? body.principal.arn.split(':')[4] : body.principal.accountId
        const row =
          accountId && /^\d{12}$/.test(accountId)
            ? await store.sweeps.accountSnapshot(sweep.id, accountId)
            : undefined
        const result = simulate(tree, row?.state as AccountState | undefined, iam, body)
        return { sweepId: sweep.id, ...result }
      } catch (err) {
        if (err instanceof SimulationInputError) throw invalidField(err.field, err.message)
        if (err instanceof SimulationNotFoundError) throw new Errors.NotFound(err.message)
        throw err
      }
    },
  )
}
