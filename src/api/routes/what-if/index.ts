import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { GuardrailSettings, PolicyCatalogs } from '../../../assess/guardrails.js'
import { SimulationInputError, SimulationNotFoundError } from '../../../assess/simulate.js'
import { assessWhatIf, DraftInvalidError, planWhatIf, type WhatIfInput } from '../../../assess/what-if.js'
import type { AccountState } from '../../../org/account-state.js'
import { buildOrgTree } from '../../../org/tree.js'
import type { Store } from '../../../store/index.js'
import { Errors, invalidField } from '../../errors.js'
import { authErrors, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'
import { StatementRefSchema } from '../simulate/index.js'

const WhatIfBody = Type.Object(
  {
    document: Type.Union(
      [Type.String({ minLength: 1, maxLength: 65_536 }), Type.Object({}, { additionalProperties: true })],
      {
        description: 'The draft SCP, as a JSON object or as its JSON text.',
      },
    ),
    target: Type.String({
      pattern: '^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|\\d{12})$',
      description: 'Where the draft would be attached: the root, an OU or an account.',
    }),
    detachPolicyIds: Type.Optional(
      Type.Array(Type.String({ pattern: '^p-[0-9A-Za-z_]{4,128}$' }), {
        maxItems: 20,
        uniqueItems: true,
        description: 'SCPs attached to the target that the change would detach.',
      }),
    ),
    probes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            action: Type.String({ pattern: '^[A-Za-z0-9-]+:[A-Za-z0-9]+$' }),
            region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$' })),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 200,
          description:
            'Requests to compare for a generic role. Default: a dozen (regions, leaving, IAM, security services).',
        },
      ),
    ),
    sweepId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Default: the newest completed sweep.' }),
    ),
  },
  { additionalProperties: false },
)

const Verdict = Type.String({ description: 'enforced, not-enforced, exempted or not-applicable' })
const Level = Type.Object({ targetId: Type.String(), name: Type.Optional(Type.String()) })

const WhatIfResponse = Type.Object({
  sweepId: Type.String(),
  target: Type.Object({ id: Type.String(), type: Type.String(), name: Type.String() }),
  probes: Type.Array(Type.Object({ action: Type.String(), region: Type.String() })),
  summary: Type.Object({ accounts: Type.Integer(), accountsWithChanges: Type.Integer() }),
  accounts: Type.Array(
    Type.Object({
      accountId: Type.String(),
      accountName: Type.String(),
      orgPath: Type.String(),
      scpsApply: Type.Boolean({ description: 'False for the management account.' }),
      collected: Type.Boolean(),
      guardrailChanges: Type.Array(
        Type.Object({
          guardrailId: Type.String(),
          before: Verdict,
          after: Verdict,
          deciding: Type.Array(StatementRefSchema),
          blockedAt: Type.Array(Level),
        }),
        { description: 'Only the guardrails whose verdict would change.' },
      ),
      probeFlips: Type.Array(
        Type.Object({
          action: Type.String(),
          region: Type.String(),
          before: Type.String(),
          after: Type.String(),
          deciding: Type.Array(StatementRefSchema, { description: 'What denies on the denied side.' }),
          blockedAt: Type.Optional(Level),
        }),
        { description: 'Probes for a generic role that flip between allowed and denied.' },
      ),
      recentlyUsedRoles: Type.Array(
        Type.Object({
          roleArn: Type.String(),
          lastUsed: Type.Object({ date: Type.String(), region: Type.Union([Type.String(), Type.Null()]) }),
          blockedServices: Type.Array(Type.String()),
          blockedServiceCount: Type.Integer(),
        }),
        { description: 'Recently used roles and the services their policies allow that would be denied.' },
      ),
    }),
  ),
  roleUsageMethod: Type.String({ description: 'How recentlyUsedRoles is approximated.' }),
  warnings: Type.Array(Type.String()),
})

export async function whatIfRoutes(
  app: FastifyInstance,
  deps: { store: Store; catalogs: PolicyCatalogs; guardrails: GuardrailSettings },
) {
  const { store, catalogs } = deps

  app.post(
    '/v1/scp/what-if',
    {
      schema: {
        tags: ['guardrails'],
        summary: 'What a draft SCP (and detaching SCPs) would change, per account below the target',
        description:
          'The draft is attached at the target in addition to what is there, minus `detachPolicyIds`. For every ACTIVE ' +
          'account at or under the target: the guardrail verdicts that would change, the probes that flip between ' +
          'allowed and denied for a generic role, and for recently used roles the services their policies allow that ' +
          'would be denied (see `roleUsageMethod`). An invalid draft is a 400 naming each error under `body.document`.',
        security: [{ bearer: [] }],
        body: WhatIfBody,
        response: { 200: WhatIfResponse, 404: problemRef, ...authErrors },
      },
    },
    async (req) => {
      const body = req.body as WhatIfInput & { sweepId?: string }
      const [iam, catalog] = await Promise.all([catalogs.iam(), catalogs.guardrails()])
      const sweep = await sweepFor(store, body.sweepId)
      const snapshot = await store.sweeps.orgSnapshot(sweep.id)
      if (!snapshot) throw new Errors.NotFound(`sweep ${sweep.id} has no organization snapshot`)
      let plan: ReturnType<typeof planWhatIf>
      try {
        plan = planWhatIf(buildOrgTree(snapshot), iam, body, deps.guardrails)
      } catch (err) {
        if (err instanceof DraftInvalidError) {
          const fieldErrors = err.errors.map((e) => ({
            field: `body.document${e.path.replace(/^\$/, '')}`,
            message: e.message,
          }))
          throw Object.assign(new Errors.InvalidField(err.message), { fieldErrors })
        }
        if (err instanceof SimulationInputError) throw invalidField(err.field, err.message)
        if (err instanceof SimulationNotFoundError) throw new Errors.NotFound(err.message)
        throw err
      }
      const states = new Map<string, AccountState | undefined>()
      for (const id of plan.accountIds) {
        states.set(id, (await store.sweeps.accountSnapshot(sweep.id, id))?.state as AccountState | undefined)
      }
      return { sweepId: sweep.id, ...assessWhatIf(plan, states, iam, catalog, deps.guardrails) }
    },
  )
}
