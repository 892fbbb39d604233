import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import pg from 'pg'
import { type Logger, pino } from 'pino'
import { buildApp } from '../../src/api/app.js'
import { createPolicyCatalogs } from '../../src/assess/guardrails.js'
import { createQueues, type Queues } from '../../src/queue/producer.js'
import { createRedis } from '../../src/queue/redis.js'
import { createSourceResolver, type SourceResolver } from '../../src/sources/resolver.js'
import { openStore, type Store } from '../../src/store/index.js'
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from '../../src/webhooks/settings.js'
import { startWorkers, type Workers } from '../../workers/index.js'

export type StoreKind = 'pglite' | 'postgres'

/** iam-data takes about a second to load: one copy per test process. */
const sharedCatalogs = createPolicyCatalogs()
export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres']

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

function requirePostgres(): string {
  const url = process.env.TEST_DATABASE_URL
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`, which starts PostgreSQL')
  return url
}

/** A fresh, empty PostgreSQL database for one test; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = requirePostgres()
  const name = `ow_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export async function openTestStore(
  kind: StoreKind,
): Promise<{ store: Store; url?: string; close: () => Promise<void> }> {
  if (kind === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' })
    return { store, close: () => store.close() }
  }
  const database = await createTestDatabase()
  const store = await openStore({ databaseUrl: database.url, dataDir: 'unused' })
  return {
    store,
    url: database.url,
    close: async () => {
      await store.close()
      await database.drop()
    },
  }
}

export interface TestContext {
  store: Store
  /** Set for PostgreSQL stores, so other processes can share the database. */
  databaseUrl?: string | undefined
  app: FastifyInstance
  queues: Queues
  sources: SourceResolver
  prefix: string
  redis: Redis
  workers?: Workers
  tokens: { read: string; write: string }
  auth(scope?: 'read' | 'write'): { authorization: string }
  close(): Promise<void>
}

/**
 * The whole service in the test process: a real store, real Redis under a queue prefix of its
 * own, the real app, and (unless `workers: false`) the real workers.
 */
export async function createTestContext(
  opts: {
    store?: StoreKind
    workers?: boolean
    sources?: SourceResolver
    accountAttempts?: number
    /** Logger of the workers and the app; default: workers silent, app without a logger. */
    log?: Logger
    /** The region allowlist guardrails are judged against; default: the demo organization's. */
    allowedRegions?: string[]
    /** Webhook delivery settings over quick test defaults (127.0.0.1 allowed, 3 attempts of 20 ms backoff, 10 s deadline). */
    webhooks?: Partial<WebhookSettings>
  } = {},
): Promise<TestContext> {
  const webhooks: WebhookSettings = {
    ...DEFAULT_WEBHOOK_SETTINGS,
    allowHosts: ['127.0.0.1'],
    attempts: 3,
    backoffMs: 20,
    timeoutMs: 10_000,
    ...opts.webhooks,
  }
  const db = await openTestStore(opts.store ?? 'pglite')
  const store = db.store
  const prefix = `owtest-${randomBytes(5).toString('hex')}`
  const redis = createRedis(REDIS_URL, 'producer')
  const workerRedis = createRedis(REDIS_URL, 'worker')
  // The producer connection queues nothing while it connects (the API fails fast without Redis):
  // wait for it, or a loaded machine has /ready answer 503 to the first request.
  if (redis.status !== 'ready') await once(redis, 'ready')
  const queues = createQueues(redis, {
    prefix,
    accountAttempts: opts.accountAttempts ?? 3,
    accountBackoffMs: 50,
  })
  const sources = opts.sources ?? createSourceResolver()
  const log = opts.log ?? pino({ level: 'silent' })
  const workers =
    opts.workers === false
      ? undefined
      : startWorkers(
          {
            store,
            queues,
            sources,
            log,
            catalogs: sharedCatalogs,
            guardrails: {
              allowedRegions: opts.allowedRegions ?? ['eu-west-1', 'eu-central-1'],
              auditRoleName: 'OrgwardenAudit',
            },
            webhooks,
          },
          { connection: workerRedis, prefix, accountConcurrency: 4 },
        )
  const app = await buildApp({
    store,
    queues,
    sources,
    redis,
    logger: opts.log ?? false,
    catalogs: sharedCatalogs,
    guardrails: {
      allowedRegions: opts.allowedRegions ?? ['eu-west-1', 'eu-central-1'],
      auditRoleName: 'OrgwardenAudit',
    },
    webhooks,
  })
  const read = (await store.tokens.create('test-read', 'read')).token
  const write = (await store.tokens.create('test-write', 'write')).token
  return {
    store,
    databaseUrl: db.url,
    app,
    queues,
    sources,
    prefix,
    redis,
    workers,
    tokens: { read, write },
    auth: (scope = 'write') => ({ authorization: `Bearer ${scope === 'read' ? read : write}` }),
    async close() {
      await app.close()
      await workers?.close()
      await obliterate(queues)
      await queues.close()
      await Promise.allSettled([redis.quit(), workerRedis.quit()])
      await db.close()
    },
  }
}

async function obliterate(queues: Queues) {
  for (const q of [queues.sweeps, queues.accounts, queues.webhooks, queues.schedules]) {
    await q.obliterate({ force: true }).catch(() => {})
  }
}

type TestSource = { type: 'aws' } | { type: 'snapshot'; name: string }

/** Starts a sweep through the API, asserting it is accepted; its id. */
export async function startSweep(ctx: TestContext, source: TestSource): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    headers: ctx.auth(),
    payload: { source },
  })
  assert.equal(res.statusCode, 202, res.body)
  return res.json().id as string
}

/**
 * Starts a sweep through the API (asserting it is accepted) and waits for it to end; the body of
 * GET /v1/sweeps/:id, whose `id` names it.
 */
export async function runSweep(ctx: TestContext, source: TestSource, timeoutMs?: number) {
  return waitForSweep(ctx, await startSweep(ctx, source), timeoutMs)
}

/** Polls a sweep through the API until it ends. */
export async function waitForSweep(ctx: TestContext, id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: ctx.auth('read') })
    const body = res.json()
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body
    if (Date.now() > deadline) throw new Error(`sweep ${id} still ${body.status} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
