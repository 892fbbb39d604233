import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const OPENAPI_INFO = {
  title: 'Orgwarden API',
  version: '0.1.0',
  description:
    'Governance for AWS Organizations: sweeps of IAM state, SCP-chain guardrails, findings. ' +
    'Every route but /health, /ready, /docs and /openapi.json needs "Authorization: Bearer <token>".',
  license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
}

/** The OpenAPI 3.1 document is generated from the route schemas; `/docs` renders it. */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: [
        { name: 'sweeps', description: 'Org-wide collections of IAM state' },
        { name: 'guardrails', description: 'What SCPs really enforce in each account' },
        { name: 'findings', description: 'IAM best-practice findings and the rule catalogue' },
        { name: 'accounts', description: 'Accounts with their last collection outcome and open findings' },
        { name: 'summary', description: 'Org-wide counts, trends and sweep-to-sweep diffs' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An Orgwarden API token' },
        },
      },
    },
    // Name shared schemas after their $id in components, instead of def-0, def-1...
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger())
})
