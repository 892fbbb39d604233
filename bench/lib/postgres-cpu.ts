/**
 * CPU seconds the PostgreSQL server (postmaster and backends) spends during a run, read from
 * /proc (Linux; elsewhere undefined). Needs the server's data directory to be readable, which it
 * is for the private server `npm run bench` starts.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { processCpuMs, spentSince } from './api-cpu.js'

/** The PostgreSQL server's process id, to count its backends' CPU. */
export async function postmasterPid(adminUrl: string): Promise<number | undefined> {
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    const dir = (await c.query('SHOW data_directory')).rows[0].data_directory as string
    return Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0])
  } catch {
    return undefined
  } finally {
    await c.end()
  }
}

export interface PostgresCpu {
  /** The whole server: postmaster, background processes and every backend alive at the end. */
  server: number
  /**
   * The backends connected to `database` alone (undefined without one): what compares when two
   * benchmarks share the server side by side, each with its own database.
   */
  database?: number
}

/**
 * Starts counting; the returned function gives the CPU seconds spent since (undefined if
 * unknown). Backends that exit before the end are not counted: measure while the pools are open.
 */
export async function startPostgresCpu(
  adminUrl: string,
  database?: string,
): Promise<() => Promise<PostgresCpu | undefined>> {
  const pid = await postmasterPid(adminUrl)
  if (!pid) return async () => undefined
  const before = processCpuMs(pid, true)
  return async () => {
    const after = processCpuMs(pid, true)
    const ms = spentSince(before, after)
    if (ms === undefined) return undefined
    if (database === undefined) return { server: ms / 1000 }
    const c = new pg.Client({ connectionString: adminUrl })
    await c.connect()
    try {
      const { rows } = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])
      const own = new Map<number, number>()
      for (const { pid: backend } of rows as Array<{ pid: number }>) {
        const t = after.get(backend)
        if (t !== undefined) own.set(backend, t)
      }
      return { server: ms / 1000, database: (spentSince(before, own) ?? 0) / 1000 }
    } finally {
      await c.end()
    }
  }
}
