import type { AccountState } from './account-state.js'
import type { AccountStatus, OrgSnapshot } from './types.js'

/** An account as the organization read comes upon it: enough to start collecting it. */
export interface FoundAccount {
  id: string
  name: string
  status: AccountStatus
  /** As `OrgTree.orgPath`: `o-…/r-…/ou-…/`. */
  ouPath: string
}

/** Told of accounts while the organization is still being read (policies may be unread yet). */
export type OnAccountsFound = (accounts: FoundAccount[]) => Promise<void>

/**
 * Where a sweep reads from. The snapshot source replays a JSON file; the AWS source (collection
 * issue) calls Organizations, STS and IAM. Both return plain data, never SDK objects.
 */
export interface OrgSource {
  readonly kind: 'snapshot' | 'aws'
  /** A label for logs and the sweep record, e.g. the snapshot name. */
  readonly name: string
  /**
   * The whole organization. With `onAccounts`, sources that walk it (AWS) hand over the accounts
   * of each parent as they are listed, so their collection can start before the policies are
   * read; the read waits for those calls and fails with them.
   */
  readOrganization(signal?: AbortSignal, onAccounts?: OnAccountsFound): Promise<OrgSnapshot>
  collectAccount(accountId: string, ctx: CollectContext): Promise<AccountState>
  /**
   * What collecting the account cost (API calls by operation, retries, bytes, duration), handed
   * over once after `collectAccount` settles, with the raw responses the state was normalized
   * from, as JSON (kept for the snapshot export). Sources that call no API report only `rawJson`.
   */
  takeAccountReport?(
    sweepId: string,
    accountId: string,
  ): { stats?: unknown; configCompliance?: unknown; rawJson?: string } | undefined
  /**
   * Sources that read account tags apart from the organization (the AWS source: one call per
   * account) leave `tags` empty in `readOrganization` and read them here, for the accounts named,
   * handing them over in batches as they come. The snapshot source has its tags in the file and
   * no such method.
   */
  readAccountTags?(
    accountIds: readonly string[],
    onBatch: (tags: Map<string, Record<string, string>>) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ read: number; warning?: string }>
  /** Releases sockets and caches at shutdown. */
  close?(): void
}

export interface CollectContext {
  sweepId: string
  signal?: AbortSignal
}

/**
 * The account cannot be collected and retrying will not help (role missing, access denied,
 * account suspended). The account is recorded as unreachable with `reason`; the sweep goes on.
 */
export class AccountUnreachableError extends Error {
  override readonly name = 'AccountUnreachableError'
  constructor(readonly reason: string) {
    super(reason)
  }
}
