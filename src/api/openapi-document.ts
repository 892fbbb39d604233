import { Redis } from 'ioredis'
import { createQueues } from '../queue/producer.js'
import { createSourceResolver } from '../sources/resolver.js'
import { openStore } from '../store/index.js'
import { buildApp } from './app.js'

/**
 * Builds the app on throwaway resources (in-memory store, a Redis client that never connects)
 * only to read the OpenAPI document generated from the route schemas.
 */
export async function generateOpenapiDocument(): Promise<unknown> {
  const store = await openStore({ dataDir: 'memory://', migrate: false })
  // Port 1 on loopback: nothing answers, and nothing is meant to; routes are built, never called.
  const redis = new Redis({
    port: 1,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  redis.on('error', () => {})
  const queues = createQueues(redis, { prefix: 'openapi', accountAttempts: 1 })
  for (const q of [queues.sweeps, queues.accounts, queues.webhooks, queues.schedules]) q.on('error', () => {})
  queues.flow.on('error', () => {})
  try {
    const app = await buildApp({ store, queues, sources: createSourceResolver(), redis, logger: false })
    await app.ready()
    const doc = app.swagger()
    await app.close()
    return doc
  } finally {
    await queues.close()
    redis.disconnect()
    await store.close()
  }
}

export function serializeOpenapi(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}
