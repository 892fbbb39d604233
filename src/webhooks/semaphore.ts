import type { Redis } from 'ioredis'

// A counting semaphore in one sorted set per subscription: members are holders, scores the time
// they took their slot. Holders older than the lease (a crashed worker) are dropped first.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`

export interface Semaphore {
  acquire(key: string, holder: string, limit: number): Promise<boolean>
  release(key: string, holder: string): Promise<void>
}

/** `leaseMs` must exceed the longest a holder keeps its slot (the request timeout, plus margin). */
export function createSemaphore(redis: Redis, prefix: string, leaseMs: number): Semaphore {
  const full = (key: string) => `${prefix}:webhook-slots:${key}`
  return {
    async acquire(key, holder, limit) {
      const got = await redis.eval(ACQUIRE, 1, full(key), Date.now(), leaseMs, limit, holder)
      return got === 1
    },
    async release(key, holder) {
      await redis.zrem(full(key), holder)
    },
  }
}
