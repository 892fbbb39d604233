import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { orgView } from '../../../assess/org-view.js'
import { buildOrgTree } from '../../../org/tree.js'
import type { Store } from '../../../store/index.js'
import { Errors } from '../../errors.js'
import { authErrors, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'

const Node = Type.Object(
  {},
  { additionalProperties: true, description: 'id, type, name, policies, hygiene, children' },
)

export async function orgRoutes(app: FastifyInstance, deps: { store: Store }) {
  app.get(
    '/v1/org',
    {
      schema: {
        tags: ['guardrails'],
        summary: 'The organization tree of a sweep, with attached SCPs/RCPs and SCP hygiene per node',
        description:
          'Hygiene codes: no-allow (nothing allowed at this level: everything below is blocked), near-size-limit, ' +
          'over-size-limit, too-many-policies, invalid-document, unattached.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          { sweepId: Type.Optional(Type.String({ format: 'uuid' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            sweepId: Type.String(),
            organization: Type.Object({}, { additionalProperties: true }),
            roots: Type.Array(Node),
            unattachedPolicies: Type.Array(Type.Object({}, { additionalProperties: true })),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const sweep = await sweepFor(deps.store, (req.query as { sweepId?: string }).sweepId)
      const org = await deps.store.sweeps.orgSnapshot(sweep.id)
      if (!org) throw new Errors.NotFound(`sweep ${sweep.id} has no organization snapshot`)
      return { sweepId: sweep.id, ...orgView(buildOrgTree(org)) }
    },
  )
}
