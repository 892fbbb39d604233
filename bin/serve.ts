import closeWithGrace from 'close-with-grace'
import { buildApp } from '../src/api/app.js'
import { loadConfig } from '../src/config/index.js'
import { createLogger } from '../src/logger.js'
import { createRedis } from '../src/queue/redis.js'
import { ensureInitialToken, openServices } from '../src/runtime/services.js'
import { startWorkers } from '../workers/index.js'
import { runDemo } from './demo.js'

export interface ServeOptions {
  api: boolean
  workers: boolean
  demo: boolean
}

export async function serve(opts: ServeOptions): Promise<void> {
  const started = performance.now()
  const config = loadConfig()
  const log = createLogger(config.logLevel)
  const allInOne = opts.api && opts.workers
  const services = await openServices(config, log, { spawnRedis: allInOne })
  const closers: Array<() => Promise<unknown>> = []

  if (opts.workers) {
    const connection = createRedis(services.redisUrl, 'worker')
    connection.on('error', (err) => log.warn({ err: err.message }, 'redis (worker) error'))
    const workers = startWorkers(
      {
        store: services.store,
        queues: services.queues,
        sources: services.sources,
        log,
        catalogs: services.catalogs,
        guardrails: { allowedRegions: config.allowedRegions, auditRoleName: config.auditRoleName },
        webhooks: config.webhooks,
        accountTagsMaxAgeMs: config.accountTagsMaxAgeHours * 3_600_000,
      },
      {
        connection,
        prefix: config.queuePrefix,
        accountConcurrency: config.accountConcurrency,
        lockDurationMs: config.jobLockMs,
      },
    )
    closers.push(
      () => workers.close(),
      () => connection.quit(),
    )
  }

  let address: string | undefined
  if (opts.api) {
    const app = await buildApp({
      store: services.store,
      queues: services.queues,
      sources: services.sources,
      redis: services.producerRedis,
      logger: log,
      bodyLimitBytes: config.bodyLimitBytes,
      rateLimitPerMinute: config.rateLimitPerMinute,
      catalogs: services.catalogs,
      guardrails: { allowedRegions: config.allowedRegions, auditRoleName: config.auditRoleName },
      webhooks: config.webhooks,
    })
    address = await app.listen({ port: config.port, host: config.host })
    closers.unshift(() => app.close())
    if (allInOne) await ensureInitialToken(services)
  }

  const role = allInOne ? 'all-in-one' : opts.api ? 'api' : 'worker'
  log.info({ role, address, startupMs: Math.round(performance.now() - started) }, 'orgwarden started')
  // Built on first use otherwise, inside the first account job of the first sweep (about 0.5 s).
  if (opts.workers)
    services.catalogs.guardrails().catch((err) => log.error({ err }, 'policy catalogs could not be built'))

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    // API first (stop taking work), then workers (finish or hand back jobs), then queues and stores.
    for (const close of closers) await close().catch((e) => log.warn({ err: e }, 'error while closing'))
    await services.close()
  })

  if (opts.demo && address) await runDemo(services, address)
}
