import { stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AccountState } from '../org/account-state.js'
import type { CollectContext, OnAccountsFound, OrgSource } from '../org/source.js'
import type { AwsSourceOptions } from './aws-source.js'
import { createSnapshotSource, resolveSnapshotPath } from './snapshot-source.js'

export type SourceKind = 'snapshot' | 'aws'

/** The source cannot be used as asked (unknown snapshot, AWS source not available). */
export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError'
}

export interface SourceResolverOptions {
  /** Extra directory searched for `<name>.json` snapshot files, before the bundled examples. */
  snapshotDir?: string | undefined
  /** Simulated per-account collection latency for snapshot sources (demos, crash tests, benchmarks). */
  snapshotLatencyMs?: number
  /** Options of the AWS source; without them `aws` sweeps are refused. */
  aws?: AwsSourceOptions | undefined
}

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url))

/**
 * Turns a sweep's (kind, name) into an OrgSource. Parsed snapshot files are cached per path and
 * modification time, so the thousands of account jobs of a sweep parse the file once per process.
 */
export function createSourceResolver(opts: SourceResolverOptions = {}) {
  const dirs = [opts.snapshotDir, EXAMPLES_DIR]
    .filter((d): d is string => Boolean(d))
    .map((d) => path.resolve(d))
  const cache = new Map<string, { mtimeMs: number; source: Promise<OrgSource> }>()

  async function snapshot(name: string): Promise<OrgSource> {
    let file: string
    try {
      file = await resolveSnapshotPath(name, dirs)
    } catch (err) {
      throw new SourceUnavailableError((err as Error).message)
    }
    const { mtimeMs } = await stat(file)
    const hit = cache.get(file)
    if (hit && hit.mtimeMs === mtimeMs) return hit.source
    const source = Promise.resolve().then(() =>
      withLatency(createSnapshotSource(file), opts.snapshotLatencyMs ?? 0),
    )
    // A file that fails to parse must not stay cached as a rejected promise.
    source.catch(() => cache.delete(file))
    cache.set(file, { mtimeMs, source })
    return source
  }

  // One AWS source per process: its session cache, managed-policy cache and Organizations rate
  // limiters only work when shared. Loaded on first use, so processes that never sweep AWS (and
  // the API's import graph) do not load the SDK.
  let aws: Promise<OrgSource> | undefined
  function awsSource(): Promise<OrgSource> {
    const options = opts.aws
    if (!options) throw new SourceUnavailableError('the AWS source is not configured in this process')
    aws ??= import('./aws-source.js').then((m) => m.createAwsSource(options))
    return aws
  }

  return {
    async resolve(kind: SourceKind, name: string): Promise<OrgSource> {
      if (kind === 'snapshot') return snapshot(name)
      return awsSource()
    },
    async close(): Promise<void> {
      if (aws) (await aws).close?.()
    },
  }
}

export type SourceResolver = ReturnType<typeof createSourceResolver>

function withLatency(source: OrgSource | Promise<OrgSource>, latencyMs: number): Promise<OrgSource> {
  return Promise.resolve(source).then((s) => {
    if (latencyMs <= 0) return s
    return {
      ...s,
      readOrganization: (signal?: AbortSignal, onAccounts?: OnAccountsFound) =>
        s.readOrganization(signal, onAccounts),
      async collectAccount(accountId: string, ctx: CollectContext): Promise<AccountState> {
        await new Promise((resolve) => setTimeout(resolve, latencyMs))
        return s.collectAccount(accountId, ctx)
      },
    }
  })
}
