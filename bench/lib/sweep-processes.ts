/**
 * The service as production runs it, for the sweep benchmark: one `orgwarden api` process and
 * W `orgwarden worker` processes (bin/serve.ts), each its own Node process so that its peak
 * RSS and CPU time can be read from /proc when the run ends. They run the compiled build, as
 * the Docker image does, or the TypeScript sources through tsx (as `npm start` does), which
 * costs the workers 4-5 % more CPU (tsx wraps functions created at run time to keep their names,
 * and maps stack traces to the sources).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface ServiceProcess {
  role: string
  pid: number
  /** Peak resident set (VmHWM) and CPU seconds so far, from /proc. */
  usage(): { peakRssMb: number; cpuSeconds: number }
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

function procUsage(pid: number): { peakRssMb: number; cpuSeconds: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the name).
    const ticks = Number(fields[11]) + Number(fields[12])
    return { peakRssMb: hwm / 1024, cpuSeconds: ticks / 100 }
  } catch {
    return { peakRssMb: 0, cpuSeconds: 0 }
  }
}

/** What the processes run: the compiled build (dist/) or the sources through tsx. */
export type ServiceCode = 'build' | 'source'

/** Compiles the service into dist/ with the project's own build (`npm run build`), as the Dockerfile does. */
export function buildService(): void {
  const built = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status})`)
}

/** The heap sizing the Docker image gives every Orgwarden process (Dockerfile, NODE_OPTIONS). */
const HEAP_FLAGS = ['--max-semi-space-size=128', '--max-old-space-size=1024']

export function startProcess(
  role: 'api' | 'worker',
  env: Record<string, string>,
  opts: {
    /** Default `build`: call buildService() first. */
    code?: ServiceCode
    cpuProfDir?: string | undefined
    /** Extra Node/V8 flags, after the heap flags (so they can override them). */
    nodeFlags?: readonly string[]
    onExit?: (code: number | null) => void
  } = {},
): ServiceProcess {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `orgwarden-bench-${role}-`))
  const profile = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...profile,
      ...HEAP_FLAGS,
      ...(opts.nodeFlags ?? []),
      ...(opts.code === 'source' ? ['--import', 'tsx', 'bin/orgwarden.ts'] : ['dist/bin/orgwarden.js']),
      role,
    ],
    {
      env: { ...process.env, ...env, ORGWARDEN_DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  )
  let exited = false
  let lastUsage = { peakRssMb: 0, cpuSeconds: 0 }
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = true
      opts.onExit?.(code)
      resolve()
    }),
  )
  return {
    role,
    pid: child.pid ?? 0,
    usage() {
      if (!exited) lastUsage = procUsage(child.pid ?? 0)
      return lastUsage
    },
    async stop() {
      if (!exited) {
        lastUsage = procUsage(child.pid ?? 0)
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exit
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer /health within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
