/**
 * Organizations throttles each API of the organization with a token bucket (rate per second,
 * burst), shared with every other caller in the management account (Control Tower, consoles,
 * other tools). We mirror those buckets per API and cap the requests in flight, so a large
 * organization is read at a steady pace instead of in bursts the SDK then has to retry.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations'
import { call, pages, type SendOptions } from './aws-call.js'
import { concurrencyLimit, type Limit, type RateLimit, TokenBucket } from './limiter.js'

/** AWS's published figures (see reference/aws-facts.md). */
export const ORGANIZATIONS_RATES: Readonly<Record<string, RateLimit>> = {
  DescribeOrganization: { rate: 1, burst: 2 },
  ListRoots: { rate: 1, burst: 2 },
  ListAccounts: { rate: 8, burst: 12 },
  ListAccountsForParent: { rate: 5, burst: 8 },
  ListOrganizationalUnitsForParent: { rate: 5, burst: 8 },
  ListChildren: { rate: 6, burst: 10 },
  ListPolicies: { rate: 5, burst: 8 },
  ListPoliciesForTarget: { rate: 5, burst: 8 },
  ListTargetsForPolicy: { rate: 5, burst: 8 },
  DescribePolicy: { rate: 2, burst: 2 },
}

/**
 * For APIs AWS gives no figure for (ListTagsForResource, ListDelegatedAdministrators,
 * ListDelegatedServicesForAccount): below the List* family's 5/s, so we never set the pace of a
 * shared bucket we cannot see.
 */
export const UNLISTED_RATE: RateLimit = { rate: 4, burst: 6 }

export interface OrganizationsThrottleOptions {
  /** Overrides per operation name, e.g. `{ ListTagsForResource: { rate: 2, burst: 2 } }`. */
  rates?: Readonly<Record<string, RateLimit>> | undefined
  /** Organizations requests (or listings) in flight at once. Default 4. */
  concurrency?: number | undefined
}

export class OrganizationsThrottle {
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly limit: Limit
  private readonly rates: Readonly<Record<string, RateLimit>>

  constructor(options: OrganizationsThrottleOptions = {}) {
    this.rates = { ...ORGANIZATIONS_RATES, ...options.rates }
    this.limit = concurrencyLimit(options.concurrency ?? 4)
  }

  private bucket(operation: string): TokenBucket {
    let bucket = this.buckets.get(operation)
    if (!bucket) {
      bucket = new TokenBucket(this.rates[operation] ?? UNLISTED_RATE)
      this.buckets.set(operation, bucket)
    }
    return bucket
  }

  /** One request of `operation`, paced by its bucket. */
  call<T>(operation: string, send: (o: SendOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const bucket = this.bucket(operation)
    return this.limit(() =>
      call(`organizations:${operation}`, send, { signal, before: (s) => bucket.take(s) }),
    )
  }

  /** Every page of a listing; each page waits for a token. Organizations pages end without NextToken. */
  list<P extends { NextToken?: string | undefined }>(
    operation: string,
    paginate: (o: SendOptions) => AsyncIterable<P>,
    signal?: AbortSignal,
  ): Promise<P[]> {
    const bucket = this.bucket(operation)
    return this.limit(() =>
      pages(`organizations:${operation}`, paginate, {
        signal,
        before: (s) => bucket.take(s),
        more: (page) => Boolean(page.NextToken),
      }),
    )
  }
}

/** What every Organizations reader needs. */
export interface OrganizationsDeps {
  client: OrganizationsClient
  throttle: OrganizationsThrottle
  signal?: AbortSignal | undefined
}
