import { chmod, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { createPolicyCatalogs, type PolicyCatalogs } from '../assess/guardrails.js'
import type { Config } from '../config/index.js'
import { createQueues, type Queues } from '../queue/producer.js'
import { createRedis } from '../queue/redis.js'
import { createSourceResolver, type SourceResolver } from '../sources/resolver.js'
import { openStore, type Store } from '../store/index.js'
import { ensureRedis } from './redis-server.js'

/** The long-lived resources of a process, opened in order and closed in reverse. */
export interface Services {
  config: Config
  log: Logger
  store: Store
  redisUrl: string
  /** Fail-fast connection for producers and readiness. */
  producerRedis: Redis
  queues: Queues
  sources: SourceResolver
  /** iam-data and guardrail probe sets, loaded once on first use. */
  catalogs: PolicyCatalogs
  close(): Promise<void>
}

export async function openServices(
  config: Config,
  log: Logger,
  opts: { spawnRedis: boolean },
): Promise<Services> {
  const closers: Array<() => Promise<unknown>> = []
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err) => log.warn({ err }, 'error while closing'))
  }
  try {
    const redis = await ensureRedis({
      redisUrl: config.redisUrl,
      dataDir: config.dataDir,
      allowSpawn: opts.spawnRedis,
      log,
    })
    if (redis.stop) closers.push(redis.stop)

    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
    closers.push(() => store.close())
    log.info({ store: store.handle.kind, location: store.handle.location }, 'store ready')

    if (config.adminToken)
      await store.tokens.ensure('admin (ORGWARDEN_ADMIN_TOKEN)', 'write', config.adminToken)

    const producerRedis = createRedis(redis.url, 'producer')
    producerRedis.on('error', (err) => log.warn({ err: err.message }, 'redis (producer) error'))
    closers.push(() => producerRedis.quit())
    const queues = createQueues(producerRedis, {
      prefix: config.queuePrefix,
      accountAttempts: config.accountAttempts,
    })
    const onError = (err: Error) => log.error({ err }, 'queue error')
    for (const q of [queues.sweeps, queues.accounts, queues.webhooks, queues.schedules])
      q.on('error', onError)
    queues.flow.on('error', onError)
    closers.push(() => queues.close())

    const sources = createSourceResolver({
      snapshotDir: config.snapshotDir,
      snapshotLatencyMs: config.snapshotLatencyMs,
      aws: {
        region: config.awsRegion,
        regions: config.collectRegions,
        auditRoleName: config.auditRoleName,
        externalId: config.externalId,
        hubRoleArn: config.hubRoleArn,
        maxAttempts: config.awsMaxAttempts,
        requestTimeoutMs: config.awsRequestTimeoutMs,
        sessionDurationSeconds: config.awsSessionSeconds,
        configAggregator: config.configAggregator,
        logger: log,
      },
    })
    closers.push(() => sources.close())
    const catalogs = createPolicyCatalogs()
    return { config, log, store, redisUrl: redis.url, producerRedis, queues, sources, catalogs, close }
  } catch (err) {
    await close()
    throw err
  }
}

/**
 * A fresh installation has no token and nobody could call the API. The first all-in-one start
 * creates one and writes it to a file only its owner can read, never to the log.
 */
export async function ensureInitialToken(services: Services): Promise<string | undefined> {
  const existing = await services.store.tokens.list()
  if (existing.length > 0) return undefined
  const { token } = await services.store.tokens.create('initial-admin', 'write')
  const file = path.resolve(services.config.dataDir, 'initial-admin-token')
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  services.log.info({ file }, 'created the first API token (scope write); read it from this file')
  return file
}
