/**
 * Two small limiters, so a large organization is read at the pace AWS allows instead of in a
 * storm that the SDK then has to retry: a cap on calls in flight, and a token bucket that
 * mirrors the service's own (rate per second, burst).
 */

export type Limit = <T>(fn: () => Promise<T>) => Promise<T>

/** At most `max` functions run at once; the rest wait in order. */
export function concurrencyLimit(max: number): Limit {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${max}`)
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    active--
    waiting.shift()?.()
  }
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export interface RateLimit {
  /** Tokens added per second. */
  rate: number
  /** Tokens the bucket holds when full. */
  burst: number
}

/** A token bucket. Callers are served one at a time, in order, so none can starve. */
export class TokenBucket {
  private tokens: number
  private last: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: Sleep = sleep,
  ) {
    if (!(limit.rate > 0) || !(limit.burst >= 1))
      throw new RangeError('a token bucket needs rate > 0 and burst >= 1')
    this.tokens = limit.burst
    this.last = now()
  }

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.acquire(signal))
    // A caller that gave up (abort) must not block the ones behind it.
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const now = this.now()
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.rate)
      this.last = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.wait(Math.ceil(((1 - this.tokens) / this.limit.rate) * 1000), signal)
    }
  }
}
