import rateLimit from '@fastify/rate-limit'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { createPolicyCatalogs, type GuardrailSettings, type PolicyCatalogs } from '../assess/guardrails.js'
import { loadConfig } from '../config/index.js'
import type { Queues } from '../queue/producer.js'
import type { SourceResolver } from '../sources/resolver.js'
import type { Store } from '../store/index.js'
import { hashToken } from '../store/tokens-repo.js'
import type { WebhookSettings } from '../webhooks/settings.js'
import { authPlugin } from './plugins/auth.js'
import { metricsPlugin } from './plugins/metrics.js'
import { openapiPlugin } from './plugins/openapi.js'
import { problemsPlugin } from './plugins/problems.js'
import { CompletionRequestLog } from './request-log.js'
import { accountRoutes } from './routes/accounts/index.js'
import { findingRoutes } from './routes/findings/index.js'
import { guardrailRoutes } from './routes/guardrails/index.js'
import { healthRoutes } from './routes/health.js'
import { orgRoutes } from './routes/org/index.js'
import { ruleRoutes } from './routes/rules/index.js'
import { scheduleRoutes } from './routes/schedules/index.js'
import { Schedule, ScheduleRun } from './routes/schedules/schemas.js'
import { settingsRoutes } from './routes/settings/index.js'
import { simulateRoutes } from './routes/simulate/index.js'
import { summaryRoutes } from './routes/summary/index.js'
import { sweepRoutes } from './routes/sweeps/index.js'
import { AccountResult, Sweep } from './routes/sweeps/schemas.js'
import { webhookRoutes } from './routes/webhooks/index.js'
import { whatIfRoutes } from './routes/what-if/index.js'
import { Problem } from './schemas/common.js'

export interface AppDeps {
  store: Store
  queues: Queues
  sources: SourceResolver
  /** The producer Redis connection, pinged by /ready. */
  redis: Redis
  logger: Logger | false
  bodyLimitBytes?: number
  rateLimitPerMinute?: number
  /** iam-data and guardrail probe sets, shared with the workers; built lazily here when absent. */
  catalogs?: PolicyCatalogs
  /** What what-if judges guardrails against; default: the configuration's defaults. */
  guardrails?: GuardrailSettings
  /** Webhook retry policy for redeliveries and pings; default: the configuration's defaults. */
  webhooks?: WebhookSettings
}

/**
 * Builds the API with everything registered: external plugins, then our services, then routes.
 * The caller owns the store, queues and Redis and closes them; the app only closes itself.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger || undefined,
    logger: deps.logger ? undefined : false,
    logController: new CompletionRequestLog(),
    bodyLimit: deps.bodyLimitBytes ?? 1_048_576,
    // Unknown fields are refused, not silently dropped: a typo in a filter must not widen a query.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(problemsPlugin)
  for (const schema of [Problem, Sweep, AccountResult]) app.addSchema(schema)
  for (const schema of [Schedule, ScheduleRun]) app.addSchema(schema)
  await app.register(openapiPlugin)
  await app.register(rateLimit, {
    global: true,
    max: deps.rateLimitPerMinute ?? 1200,
    timeWindow: '1 minute',
    // Per token when there is one, so portals behind one proxy IP do not share a budget.
    keyGenerator: (req) => {
      const auth = req.headers.authorization
      return auth ? `t:${hashToken(auth).slice(0, 32)}` : `ip:${req.ip}`
    },
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`rate limit of ${ctx.max} requests per ${ctx.after} exceeded`), {
        statusCode: 429,
      }),
  })
  await app.register(authPlugin, { tokens: deps.store.tokens })
  await app.register(metricsPlugin, { db: deps.store.handle.db, queues: deps.queues })

  await app.register(healthRoutes, { db: deps.store.handle.db, redis: deps.redis })
  await app.register(sweepRoutes, { store: deps.store, queues: deps.queues, sources: deps.sources })
  await app.register(scheduleRoutes, { store: deps.store, queues: deps.queues, sources: deps.sources })
  await app.register(guardrailRoutes, { store: deps.store })
  await app.register(orgRoutes, { store: deps.store })
  await app.register(findingRoutes, { store: deps.store, webhooks: deps.queues.webhooks })
  await app.register(accountRoutes, { store: deps.store })
  await app.register(summaryRoutes, { store: deps.store })
  await app.register(ruleRoutes)
  await app.register(webhookRoutes, {
    store: deps.store,
    queues: deps.queues,
    settings: deps.webhooks ?? loadConfig({}).webhooks,
  })
  const defaults = loadConfig({})
  const guardrails = deps.guardrails ?? {
    allowedRegions: defaults.allowedRegions,
    auditRoleName: defaults.auditRoleName,
  }
  await app.register(settingsRoutes, { store: deps.store, defaultRegions: guardrails.allowedRegions })
  const catalogs = deps.catalogs ?? createPolicyCatalogs()
  await app.register(simulateRoutes, { store: deps.store, catalogs })
  await app.register(whatIfRoutes, {
    store: deps.store,
    catalogs,
    guardrails,
  })
  return app as unknown as FastifyInstance
}
