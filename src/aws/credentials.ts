/**
 * Credentials, kept in this process's memory only.
 *
 * base (the SDK's default chain: env, profile, SSO, container or instance role)
 *   → hub (optional: AssumeRole into the hub role first)
 *     → one audit session per member account: AssumeRole into
 *       arn:<partition>:iam::<account>:role/<auditRoleName>, ExternalId when configured, session
 *       name `orgwarden-<sweepId>` so the member's CloudTrail names the sweep.
 *
 * Sessions are cached until shortly before they expire and shared by every reader of the
 * account; concurrent requests for one session share one AssumeRole.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import type { Logger } from 'pino'
import { AccountUnreachableError } from '../org/source.js'
import { call } from './aws-call.js'
import { type AwsCredentials, type ClientPool, type CredentialProvider, HUB_SCOPE } from './client-pool.js'
import { AwsCallError, classifyError, errorCode, errorMessage } from './errors.js'
import { auditRoleArn, type Partition, sessionName } from './partition.js'

export interface CredentialBrokerOptions {
  pool: ClientPool
  /** Region of the STS endpoint used for every AssumeRole (the hub's home region). */
  region: string
  partition: Partition
  auditRoleName: string
  externalId?: string | undefined
  hubRoleArn?: string | undefined
  /** Default: the SDK's node provider chain. */
  baseCredentials?: CredentialProvider | undefined
  /** Requested lifetime of audit sessions (900–3600 when role chaining). Default 3600. */
  sessionDurationSeconds?: number | undefined
  logger?: Logger | undefined
}

/**
 * A session is used until this long before it expires. It must exceed the SDK's own refresh
 * window (5 minutes), or the SDK would keep asking us while we keep returning the same session.
 */
const REFRESH_MARGIN_MS = 10 * 60_000
const BASE_SCOPE = 'base'

interface Entry {
  promise: Promise<AwsCredentials>
  expiresAt: number
}

export class CredentialBroker {
  private readonly cache = new Map<string, Entry>()
  private readonly base: CredentialProvider
  private readonly duration: number

  constructor(private readonly options: CredentialBrokerOptions) {
    this.base = options.baseCredentials ?? fromNodeProviderChain()
    this.duration = options.sessionDurationSeconds ?? 3600
  }

  /** Credentials of the hub: the hub role's session when one is configured, else the base chain. */
  readonly hub: CredentialProvider = () => this.hubSession()

  /**
   * The hub's credentials, asked for by a collection: its signal (`withStats`) counts the
   * AssumeRole, when there is one, in that collection's calls. The SDK asks through `hub`, which
   * has no signal to give; collections ask first, so the SDK finds the session cached.
   */
  hubSession(signal?: AbortSignal): Promise<AwsCredentials> {
    const roleArn = this.options.hubRoleArn
    if (!roleArn) return this.base()
    return this.cached('hub', async () => {
      try {
        return await this.assume(roleArn, 'orgwarden-hub', BASE_SCOPE, this.base, undefined, signal)
      } catch (err) {
        // The hub role is ours, not the member's: a refusal here is a deployment problem of the
        // hub, never a reason to call a member account unreachable.
        if (err instanceof AwsCallError || classifyError(err) === 'unknown') throw err
        throw new AwsCallError('sts:AssumeRole', classifyError(err), err, `hub role ${roleArn}`)
      }
    })
  }

  /** The principal member accounts must trust, as we can best name it. */
  get hubPrincipal(): string {
    return this.options.hubRoleArn ?? 'the Orgwarden hub principal'
  }

  /**
   * The audit session of `accountId` for `sweepLabel`. AssumeRole refused → AccountUnreachableError
   * with a reason a person can act on; throttling or 5xx → AwsCallError (transient).
   */
  async forAccount(accountId: string, sweepLabel: string, signal?: AbortSignal): Promise<AwsCredentials> {
    const session = sessionName(sweepLabel)
    const roleArn = auditRoleArn(this.options.partition, accountId, this.options.auditRoleName)
    return this.cached(`${accountId}|${session}`, async () => {
      // The hub session first and on its own: its failure is the hub's, and must not read as
      // this account's role being missing.
      if (this.options.hubRoleArn) await this.hubSession(signal)
      try {
        return await this.assume(roleArn, session, HUB_SCOPE, this.hub, this.options.externalId, signal)
      } catch (err) {
        throw this.explain(err, accountId, roleArn)
      }
    })
  }

  /** A provider for SDK clients of one account: every call reads the shared cached session. */
  providerFor(accountId: string, sweepLabel: string): CredentialProvider {
    return () => this.forAccount(accountId, sweepLabel)
  }

  private cached(key: string, fetch: () => Promise<AwsCredentials>): Promise<AwsCredentials> {
    const now = Date.now()
    const hit = this.cache.get(key)
    if (hit && hit.expiresAt - REFRESH_MARGIN_MS > now) return hit.promise
    for (const [k, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(k)
    const entry: Entry = { promise: fetch(), expiresAt: Number.POSITIVE_INFINITY }
    this.cache.set(key, entry)
    entry.promise.then(
      (credentials) => {
        entry.expiresAt = credentials.expiration?.getTime() ?? now + this.duration * 1000
      },
      () => {
        // A failure is not cached: the next attempt (a job retry) asks STS again.
        if (this.cache.get(key) === entry) this.cache.delete(key)
      },
    )
    return entry.promise
  }

  private async assume(
    roleArn: string,
    session: string,
    scope: string,
    credentials: CredentialProvider,
    externalId: string | undefined,
    signal?: AbortSignal,
  ): Promise<AwsCredentials> {
    const sts = this.options.pool.get('sts', scope, this.options.region, credentials)
    const input = {
      RoleArn: roleArn,
      RoleSessionName: session,
      DurationSeconds: this.duration,
      ...(externalId ? { ExternalId: externalId } : {}),
    }
    const out = await call('sts:AssumeRole', (o) => sts.send(new AssumeRoleCommand(input), o), { signal })
    const c = out.Credentials
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new AwsCallError('sts:AssumeRole', 'refused', {
        name: 'MissingCredentials',
        message: `no credentials for ${roleArn}`,
      })
    }
    this.options.logger?.debug({ roleArn, session, expiresAt: c.Expiration?.toISOString() }, 'assumed role')
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    }
  }

  private explain(err: unknown, accountId: string, roleArn: string): Error {
    if (err instanceof AwsCallError || err instanceof AccountUnreachableError) return err
    const kind = classifyError(err)
    const code = errorCode(err)
    if (kind === 'denied') {
      const role = this.options.auditRoleName
      const trust = this.options.externalId ? ' with the configured ExternalId' : ''
      return new AccountUnreachableError(
        `cannot assume ${roleArn}: role ${role} missing in account ${accountId} or does not trust ` +
          `${this.principalFrom(err)}${trust} (${code}); deploy deploy/cloudformation/audit-role.yaml to the account`,
      )
    }
    if (code === 'RegionDisabledException') {
      return new AccountUnreachableError(
        `cannot assume ${roleArn}: STS is not active in ${this.options.region} for account ${accountId} (${code})`,
      )
    }
    if (kind === 'unknown') return err instanceof Error ? err : new Error(String(err))
    return new AwsCallError('sts:AssumeRole', kind, err, `account ${accountId}`)
  }

  /** STS names the caller in its AccessDenied message ("User: arn:... is not authorized ..."). */
  private principalFrom(err: unknown): string {
    if (this.options.hubRoleArn) return this.options.hubRoleArn
    const match = /User: (arn:[^\s]+)/.exec(errorMessage(err))
    return match?.[1] ?? this.hubPrincipal
  }
}
