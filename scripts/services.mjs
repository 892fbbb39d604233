// Starts the real servers the tests need when the environment does not provide them:
// a private redis-server and a private PostgreSQL 15 cluster in a temporary directory.
// Used by scripts/test.mjs and scripts/bench.mjs; plain JavaScript so it runs before tsx.
import { spawn, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function redisAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host })
    const done = (ok) => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(500, () => done(false))
    sock.on('error', () => done(false))
    sock.on('connect', () => sock.write('PING\r\n'))
    sock.on('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

async function waitFor(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s`)
}

export async function startRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} }
  if (await redisAnswers(6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('tests need Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server')
  }
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  await waitFor(() => redisAnswers(port), 'redis-server')
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM')
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 2000))])
    },
  }
}

function pgBinDir() {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  const candidates = [
    process.env.PG_BINDIR,
    '/usr/lib/postgresql/15/bin',
    fromConfig.status === 0 ? fromConfig.stdout.trim() : undefined,
  ]
  return candidates.find((d) => d && existsSync(path.join(d, 'initdb')))
}

/** PostgreSQL refuses to run as root; in that case the cluster runs as the `postgres` user. */
function asServerUser(cmd, args) {
  if (process.getuid?.() !== 0) return [cmd, args]
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
}

export async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} }
  const bin = pgBinDir()
  if (!bin) {
    throw new Error(
      'tests need PostgreSQL 15: set TEST_DATABASE_URL or install postgresql-15 (initdb not found)',
    )
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'orgwarden-pg-'))
  if (process.getuid?.() === 0) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
    chownSync(dir, Number(pw.stdout), Number(gid.stdout))
  }
  const data = path.join(dir, 'data')
  const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ])
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`)
  const port = await freePort()
  const [cmd, args] = asServerUser(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ])
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const isReady = path.join(bin, 'pg_isready')
  await waitFor(
    () => spawnSync(isReady, ['-h', '127.0.0.1', '-p', String(port)]).status === 0,
    `postgres (${stderr.slice(-500)})`,
  )
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // pg_ctl, not a signal to our child: runuser does not pass signals on to the server.
    stop: async () => {
      const [stopCmd, stopArgs] = asServerUser(path.join(bin, 'pg_ctl'), [
        'stop',
        '-D',
        data,
        '-m',
        'fast',
        '-w',
        '-t',
        '20',
      ])
      spawnSync(stopCmd, stopArgs, { stdio: 'ignore' })
      if (child.exitCode === null) {
        child.kill('SIGKILL')
        await Promise.race([
          new Promise((r) => child.once('exit', r)),
          new Promise((r) => setTimeout(r, 2000)),
        ])
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
