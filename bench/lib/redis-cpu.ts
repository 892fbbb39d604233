/**
 * CPU seconds the Redis server spends during a run, read from /proc (Linux, and only when the
 * server runs on this machine: its `process_id` must be a redis-server here; else undefined).
 */
import { readFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import { processCpuMs, spentSince } from './api-cpu.js'

/** Starts counting; the returned function gives the seconds spent since, or undefined. */
export async function startRedisCpu(redisUrl: string): Promise<() => number | undefined> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  let pid: number | undefined
  try {
    await redis.connect()
    const info = await redis.info('server')
    pid = Number(/^process_id:(\d+)/m.exec(info)?.[1])
    if (!pid || !readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis')) pid = undefined
  } catch {
    pid = undefined
  } finally {
    redis.disconnect()
  }
  const before = pid ? processCpuMs(pid) : undefined
  return () => {
    const ms = spentSince(before, pid ? processCpuMs(pid) : undefined)
    return ms === undefined ? undefined : ms / 1000
  }
}
