import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { catalogueMetadata } from '../../../rules/index.js'
import { authErrors, NoQuery } from '../../schemas/common.js'

const Rule = Type.Object(
  {
    id: Type.String(),
    kind: Type.Unsafe<'rule' | 'guardrail'>({ type: 'string', enum: ['rule', 'guardrail'] }),
    title: Type.String(),
    severity: Type.String(),
    rationale: Type.String(),
    remediation: Type.Object({}, { additionalProperties: true }),
    controls: Type.Object({}, { additionalProperties: true }),
    parameters: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true },
)

export async function ruleRoutes(app: FastifyInstance) {
  const catalogue = catalogueMetadata()
  app.get(
    '/v1/rules',
    {
      schema: {
        tags: ['findings'],
        summary:
          'The rule catalogue: ids, severities, control mappings (CIS, Security Hub, Config) and parameters',
        security: [{ bearer: [] }],
        querystring: NoQuery,
        response: { 200: Type.Object({ items: Type.Array(Rule) }), ...authErrors },
      },
    },
    async () => ({ items: catalogue }),
  )
}
