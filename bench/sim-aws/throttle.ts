/**
 * AWS-like throttling: a token bucket per (API, caller) that refills at `rate` per second up to
 * `burst`. A request that finds the bucket empty is refused (AWS does not queue), and the
 * client's retry path has to deal with it.
 */
export interface Rate {
  rate: number
  burst: number
}

interface Bucket {
  tokens: number
  last: number
}

export class Buckets {
  private readonly buckets = new Map<string, Bucket>()

  /** Takes a token for `key`; false when the bucket is empty (the request is throttled). */
  take(key: string, limit: Rate, now = performance.now()): boolean {
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = { tokens: limit.burst, last: now }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.last) / 1000) * limit.rate)
    bucket.last = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}

/**
 * Published Organizations figures (shared/reference/aws-facts.md), per organization. APIs AWS
 * gives no figure for get the List* family's 5/s, burst 8: an assumption of the simulator.
 */
export const ORGANIZATIONS_RATES: Record<string, Rate> = {
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
export const ORGANIZATIONS_UNLISTED: Rate = { rate: 5, burst: 8 }

/**
 * Per account and region (STS: per calling account and region, 600/s). IAM, CloudTrail, Config
 * and Access Analyzer publish no per-API figure for these reads; 20/s with a burst of 40 per API
 * and account is the simulator's assumption, above what one collection asks of an account.
 */
export const STS_RATE: Rate = { rate: 600, burst: 600 }
export const DEFAULT_ACCOUNT_RATE: Rate = { rate: 20, burst: 40 }
