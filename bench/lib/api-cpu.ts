/**
 * CPU time of the processes a load run involves, read from /proc (Linux): the API process, the
 * PostgreSQL server with its backends, and the load generator itself. What each spent during a
 * run says what bounds the figure. Elsewhere than Linux the figures are absent, not wrong.
 */

import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100

function cpuMsOf(pid: number): { ms: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ppid = Number(f[1])
    const ticks = Number(f[11]) + Number(f[12])
    return { ms: (ticks * 1000) / TICKS_PER_SECOND, ppid }
  } catch {
    return undefined
  }
}

/**
 * CPU milliseconds of a process and, optionally, of each of its direct children (PostgreSQL
 * backends), by process id: backends come and go, so a run's figure is the sum of per-process
 * differences, never a difference of sums.
 */
export function processCpuMs(pid: number, withChildren = false): Map<number, number> {
  const out = new Map<number, number>()
  const own = cpuMsOf(pid)
  if (!own) return out
  out.set(pid, own.ms)
  if (!withChildren) return out
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry)
    if (!Number.isInteger(child) || child === pid) continue
    const c = cpuMsOf(child)
    if (c && c.ppid === pid) out.set(child, c.ms)
  }
  return out
}

/** CPU ms spent between two readings of processCpuMs (per process: backends come and go). */
export function spentSince(before: Map<number, number> | undefined, after: Map<number, number> | undefined) {
  if (!before || !after || after.size === 0) return undefined
  let ms = 0
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0)
  return ms
}

export interface CpuProbe {
  /** Share of one core each process used since the probe started (1 = one full core). */
  stop(): { api?: number; postgres?: number; loadGenerator: number }
}

export function startCpuProbe(apiPid: number | undefined, postgresPid: number | undefined): CpuProbe {
  const t0 = performance.now()
  const api0 = apiPid ? processCpuMs(apiPid) : undefined
  const pg0 = postgresPid ? processCpuMs(postgresPid, true) : undefined
  const self0 = process.cpuUsage()
  return {
    stop() {
      const wall = performance.now() - t0
      const api1 = apiPid ? processCpuMs(apiPid) : undefined
      const pg1 = postgresPid ? processCpuMs(postgresPid, true) : undefined
      const self = process.cpuUsage(self0)
      const share = (ms: number | undefined) =>
        ms === undefined ? undefined : Math.round((ms / wall) * 100) / 100
      const api = share(spentSince(api0, api1))
      const postgres = share(spentSince(pg0, pg1))
      return {
        ...(api !== undefined ? { api } : {}),
        ...(postgres !== undefined ? { postgres } : {}),
        loadGenerator: Math.round(((self.user + self.system) / 1000 / wall) * 100) / 100,
      }
    },
  }
}

/** All CPU time on the machine (every process, other sessions' too), as cores busy. */
export function machineBusyCores(): () => number {
  const read = () => {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number)
    const idle = (line[3] ?? 0) + (line[4] ?? 0)
    const total = line.reduce((a, b) => a + b, 0)
    return { busy: total - idle }
  }
  const a = read()
  const t0 = performance.now()
  return () => {
    const b = read()
    return (
      Math.round(((((b.busy - a.busy) / TICKS_PER_SECOND) * 1000) / (performance.now() - t0)) * 100) / 100
    )
  }
}
