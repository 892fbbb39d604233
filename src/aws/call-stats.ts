/**
 * Accounting of AWS calls: how many of each operation, how many retries and throttled answers,
 * roughly how many bytes came back, how long it took. This is how we keep the call count near
 * the minimum, so every call is counted where it is made.
 *
 * The collection in progress is found through its abort signal: `withStats` gives each collection
 * a signal of its own (following the caller's), every request of the collection is sent with it,
 * and the SDK hands it to the middleware in the request's context. So the clients of the pool can
 * stay shared (keyed by service, account and region) while each collection keeps its own count.
 * (AsyncLocalStorage did this before; on Node 20 it turns on promise hooks for the whole process,
 * about 15 % of an SDK call's CPU.) Two layers count:
 * - `recordCall` (our call helpers): one per request we send, i.e. one per page;
 * - the client middleware (per HTTP attempt, inside the SDK's retry loop): retries, throttled
 *   answers and response sizes. It sits inside the SDK, so mocked clients do not reach it.
 */
import { isThrottling } from './errors.js'

export interface CallStats {
  startedAt: string
  durationMs: number
  /** Requests we sent, per `service:Operation` (each page of a paginated call counts). */
  calls: Record<string, number>
  totalCalls: number
  /** Extra HTTP attempts the SDK made after throttling, 5xx or network errors. */
  retries: number
  /** Answers that asked us to slow down (each one is retried by the SDK while attempts remain). */
  throttled: number
  /** Calls that failed after the SDK's retries, per `service:Operation code`. */
  errors: Record<string, number>
  /**
   * Bytes of response bodies as announced by Content-Length (IAM, Organizations and the other
   * services send it); responses without one are not counted, so this is a lower bound.
   */
  responseBytes: number
}

export class StatsRecorder {
  private readonly started = performance.now()
  private readonly startedAt = new Date().toISOString()
  private readonly calls: Record<string, number> = {}
  private readonly errors: Record<string, number> = {}
  private retries = 0
  private throttled = 0
  private bytes = 0
  private finishedMs: number | null = null

  call(api: string): void {
    this.calls[api] = (this.calls[api] ?? 0) + 1
  }

  failure(api: string, code: string): void {
    const key = `${api} ${code}`
    this.errors[key] = (this.errors[key] ?? 0) + 1
  }

  retry(): void {
    this.retries++
  }

  throttle(): void {
    this.throttled++
  }

  received(bytes: number): void {
    if (Number.isFinite(bytes) && bytes > 0) this.bytes += bytes
  }

  finish(): CallStats {
    this.finishedMs ??= performance.now()
    return this.snapshot()
  }

  snapshot(): CallStats {
    const calls = Object.fromEntries(Object.entries(this.calls).sort(([a], [b]) => a.localeCompare(b)))
    return {
      startedAt: this.startedAt,
      durationMs: Math.round((this.finishedMs ?? performance.now()) - this.started),
      calls,
      totalCalls: Object.values(calls).reduce((sum, n) => sum + n, 0),
      retries: this.retries,
      throttled: this.throttled,
      errors: { ...this.errors },
      responseBytes: this.bytes,
    }
  }
}

const recorders = new WeakMap<AbortSignal, StatsRecorder>()

/**
 * Runs a collection with `recorder` counting its requests. `fn` gets the collection's signal:
 * aborted when `signal` is, and to be passed to every request of the collection.
 */
export async function withStats<T>(
  recorder: StatsRecorder,
  signal: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const own = new AbortController()
  const follow = () => own.abort(signal?.reason)
  if (signal?.aborted) follow()
  else signal?.addEventListener('abort', follow, { once: true })
  recorders.set(own.signal, recorder)
  try {
    return await fn(own.signal)
  } finally {
    signal?.removeEventListener('abort', follow)
  }
}

/** `derived` (a signal made from the collection's, e.g. with AbortSignal.any) counts in its stats. */
export function countedAs(derived: AbortSignal, signal: AbortSignal | undefined): AbortSignal {
  const recorder = statsOf(signal)
  if (recorder) recorders.set(derived, recorder)
  return derived
}

/** The recorder of the collection whose signal this is. */
export function statsOf(signal: AbortSignal | undefined): StatsRecorder | undefined {
  return signal === undefined ? undefined : recorders.get(signal)
}

interface HttpMessage {
  headers?: Record<string, string | undefined>
}

interface AttemptArgs {
  request?: HttpMessage
}

type Handler = (args: AttemptArgs) => Promise<{ response?: unknown }>

/** Where the SDK puts the options given to `send`, among them the abort signal (@smithy/types). */
const SMITHY_CONTEXT = '__smithy_context'

interface RequestContext {
  [SMITHY_CONTEXT]?: { abortSignal?: AbortSignal }
}

/**
 * A deserialize-step middleware: it runs once per HTTP attempt, after the retry middleware has
 * stamped the attempt number (`amz-sdk-request: attempt=N; max=M`) on the request.
 */
export function accountingMiddleware(next: Handler, context?: RequestContext): Handler {
  return async (args) => {
    const stats = statsOf(context?.[SMITHY_CONTEXT]?.abortSignal)
    const attempt = /attempt=(\d+)/.exec(header(args.request, 'amz-sdk-request') ?? '')
    if (stats && attempt && Number(attempt[1]) > 1) stats.retry()
    try {
      const result = await next(args)
      stats?.received(contentLength(result.response))
      return result
    } catch (err) {
      if (stats) {
        if (isThrottling(err)) stats.throttle()
        stats.received(contentLength((err as { $response?: unknown }).$response))
      }
      throw err
    }
  }
}

export const ACCOUNTING_MIDDLEWARE = {
  step: 'deserialize',
  name: 'orgwardenAccounting',
  // Outside the deserializer, so errors arrive parsed (with their code).
  priority: 'high',
} as const

function header(message: HttpMessage | undefined, name: string): string | undefined {
  const headers = message?.headers ?? {}
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

function contentLength(response: unknown): number {
  if (typeof response !== 'object' || response === null) return 0
  return Number(header(response as HttpMessage, 'content-length') ?? 0)
}
