/**
 * Starts the API as production runs it (`orgwarden api`, bin/serve.ts) in a process of its own,
 * so the load generator does not share its event loop, and waits until it answers /health.
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface ApiServer {
  url: string
  pid: number
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export async function startApiServer(opts: {
  databaseUrl: string
  redisUrl: string
  adminToken: string
  logLevel: string
  /** Write a V8 CPU profile of the API process here when it exits. */
  cpuProfDir?: string | undefined
}): Promise<ApiServer> {
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'orgwarden-bench-api-'))
  const profile = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'bin/orgwarden.ts', 'api'],
    {
      // The request log goes where production sends it (stdout), here to nowhere; its cost stays.
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: opts.databaseUrl,
        REDIS_URL: opts.redisUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: opts.logLevel,
        ORGWARDEN_DATA_DIR: dataDir,
        ORGWARDEN_ADMIN_TOKEN: opts.adminToken,
        ORGWARDEN_QUEUE_PREFIX: `bench-api-${port}`,
        // The per-token limit (1,200/min by default) would answer 429 to the load generator.
        ORGWARDEN_RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
      },
    },
  )
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode} while starting`)
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error('the API did not answer /health within 60 s')
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
