import { open, readFile, rm } from 'node:fs/promises'
import path from 'node:path'

/**
 * PGlite is a single-process database: two processes opening one data directory corrupt it.
 * A pid file makes the second opener stop with a message instead. A lock left by a process that
 * no longer exists is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'orgwarden.pid')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => rm(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10)
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the embedded store in ${dir} is in use by process ${pid}; stop it first, or share a PostgreSQL server through DATABASE_URL`,
        )
      }
      await rm(file, { force: true })
    }
  }
  throw new Error(`could not lock the embedded store in ${dir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
