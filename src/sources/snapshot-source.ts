/**
 * The snapshot source: replays a snapshot file as if it were the organization. Accounts marked
 * unreachable in the file, and accounts the file does not have, fail the way a real account
 * without the audit role would: with AccountUnreachableError and a reason.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { AccountState } from '../org/account-state.js'
import { normalizeAccount } from '../org/normalize.js'
import {
  isUnreachableEntry,
  parseSnapshotFile,
  type SnapshotFile,
  SnapshotFileError,
} from '../org/snapshot-file.js'
import { AccountUnreachableError, type CollectContext, type OrgSource } from '../org/source.js'
import type { OrgSnapshot } from '../org/types.js'

export {
  InvalidSnapshotNameError,
  isValidSnapshotName,
  resolveSnapshotPath,
  SnapshotNotFoundError,
} from './snapshot-path.js'

/**
 * A source over a file path or an already parsed file. A path is read and validated at once,
 * so a broken file fails when the source is created (with SnapshotFileError), not halfway
 * through a sweep.
 */
export function createSnapshotSource(file: string | SnapshotFile): OrgSource {
  const snapshot = typeof file === 'string' ? readSnapshotFileSync(file) : file
  const accounts = new Map(snapshot.organization.accounts.map((account) => [account.id, account]))
  // The raw entry of each collection, handed to the worker once (for the sweep's snapshot export).
  const reports = new Map<string, unknown>()

  return {
    kind: 'snapshot',
    name: snapshot.name,
    async readOrganization(signal?: AbortSignal): Promise<OrgSnapshot> {
      signal?.throwIfAborted()
      // A copy, so a caller that edits its snapshot cannot change what the next sweep reads.
      return structuredClone(snapshot.organization)
    },
    async collectAccount(accountId: string, ctx: CollectContext): Promise<AccountState> {
      ctx.signal?.throwIfAborted()
      const account = accounts.get(accountId)
      if (!account) {
        throw new AccountUnreachableError(
          `account ${accountId} is not in the organization of snapshot ${snapshot.name}`,
        )
      }
      const entry = Object.hasOwn(snapshot.accounts, accountId) ? snapshot.accounts[accountId] : undefined
      if (entry === undefined) {
        throw new AccountUnreachableError(
          `account ${accountId} is ${account.status} and snapshot ${snapshot.name} holds no data for it`,
        )
      }
      if (isUnreachableEntry(entry)) throw new AccountUnreachableError(entry.unreachable)
      reports.set(`${ctx.sweepId}|${accountId}`, entry)
      return normalizeAccount(accountId, entry, { collectedAt: snapshot.capturedAt })
    },
    takeAccountReport(sweepId: string, accountId: string) {
      const key = `${sweepId}|${accountId}`
      const raw = reports.get(key)
      reports.delete(key)
      return raw ? { rawJson: JSON.stringify(raw) } : undefined
    },
  }
}

/** Reads and validates a snapshot file; JSON syntax errors and schema problems name the file. */
export async function loadSnapshotFile(file: string): Promise<SnapshotFile> {
  return parseText(await readFile(file, 'utf8'), file)
}

export function readSnapshotFileSync(file: string): SnapshotFile {
  return parseText(readFileSync(file, 'utf8'), file)
}

function parseText(text: string, file: string): SnapshotFile {
  const label = path.basename(file)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SnapshotFileError(
      [{ path: '$', message: `is not valid JSON (${(err as Error).message})` }],
      label,
    )
  }
  return parseSnapshotFile(json, label)
}
