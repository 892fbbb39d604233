/**
 * Turns a snapshot source name from an API caller (`demo-org`) into a file in one of the
 * configured directories. The name is an identifier, never a path: anything that could step
 * out of those directories is refused before the file system is touched.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'

/** Letters, digits, dot, dash, underscore; starting with a letter or digit (so no `..`, no `/`). */
const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export class InvalidSnapshotNameError extends Error {
  override readonly name = 'InvalidSnapshotNameError'
  constructor(readonly snapshotName: string) {
    super(
      `"${snapshotName}" is not a snapshot name: use letters, digits, ".", "-" and "_" (e.g. "demo-org"), not a path`,
    )
  }
}

export class SnapshotNotFoundError extends Error {
  override readonly name = 'SnapshotNotFoundError'
  constructor(readonly snapshotName: string) {
    super(`no snapshot named "${snapshotName}" in the configured snapshot directories`)
  }
}

export function isValidSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME.test(name) && !name.includes('..')
}

/**
 * Finds `<name>.json` (the `.json` may be given) in the first directory that has it. Throws
 * InvalidSnapshotNameError for anything path-like and SnapshotNotFoundError when no directory
 * has the file. Directory paths in messages are left out on purpose: they go back to callers.
 */
export async function resolveSnapshotPath(name: string, dirs: readonly string[]): Promise<string> {
  if (!isValidSnapshotName(name)) throw new InvalidSnapshotNameError(name)
  const fileName = name.endsWith('.json') ? name : `${name}.json`
  for (const dir of dirs) {
    const base = path.resolve(dir)
    const candidate = path.resolve(base, fileName)
    // Defence in depth: the name check already rules this out.
    if (path.dirname(candidate) !== base) throw new InvalidSnapshotNameError(name)
    if (await isFile(candidate)) return candidate
  }
  throw new SnapshotNotFoundError(name)
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}
