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

/** Starts counting; the returned function gives the CPU seconds spent since (undefined if unknown). */
export async function startPostgresCpu(adminUrl: string): Promise<() => number | undefined> {
  const pid = await postmasterPid(adminUrl)
  if (!pid) return () => undefined
  const before = processCpuMs(pid, true)
  return () => {
    const ms = spentSince(before, processCpuMs(pid, true))
    return ms === undefined ? undefined : ms / 1000
  }
}
