import { Redis } from 'ioredis'

export type RedisRole = 'producer' | 'worker'

/**
 * BullMQ's production advice: workers retry Redis commands forever (`maxRetriesPerRequest:
 * null`) so a Redis restart pauses them instead of killing jobs; producers on the request path
 * fail fast so an API call answers quickly when Redis is down.
 */
export function createRedis(url: string, role: RedisRole): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: false,
  })
}

export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  try {
    const reply = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ])
    return reply === 'PONG'
  } catch {
    return false
  }
}
