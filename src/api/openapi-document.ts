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
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
  const queues = createQueues(redis, { prefix: 'openapi', accountAttempts: 1 })
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
