import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'

export interface RedisEndpoint {
  url: string
  /** Set when we started a private redis-server; stops it. */
  stop?: () => Promise<void>
}

const DEFAULT_URL = 'redis://127.0.0.1:6379'

/**
 * Finds Redis: REDIS_URL when set; else a server on 127.0.0.1:6379; else, when allowed (the
 * all-in-one process), a private redis-server child keeping its data under the data directory.
 */
export async function ensureRedis(opts: {
  redisUrl: string | undefined
  dataDir: string
  allowSpawn: boolean
  log: Logger
}): Promise<RedisEndpoint> {
  if (opts.redisUrl) return { url: opts.redisUrl }
  if (await answers(DEFAULT_URL)) return { url: DEFAULT_URL }
  const hint =
    'set REDIS_URL, start Redis on 127.0.0.1:6379, or install redis-server (Debian/Ubuntu: apt-get install redis-server)'
  if (!opts.allowSpawn) throw new Error(`no Redis answers on 127.0.0.1:6379: ${hint}`)
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(`no Redis answers on 127.0.0.1:6379 and redis-server is not on PATH: ${hint}`)
  }
  const dir = path.resolve(opts.dataDir, 'redis')
  await mkdir(dir, { recursive: true })
  const port = await freePort()
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ],
    { stdio: 'ignore' },
  )
  const url = `redis://127.0.0.1:${port}`
  await waitUntil(() => answers(url), 10_000, child)
  opts.log.info({ port, dir }, 'started a private redis-server (set REDIS_URL to use your own)')
  return { url, stop: () => stopChild(child) }
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 500,
  })
  r.on('error', () => {})
  try {
    await r.connect()
    return (await r.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    r.disconnect()
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error('redis-server did not answer within 10 s')
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
