/**
 * The two ways a reader talks to AWS: one request (`call`) or every page of a paginated one
 * (`pages`, over the SDK's paginators). Both count each request in the stats of the collection
 * whose signal they are given (`withStats`) and pass that signal down to the HTTP request.
 */
import { statsOf } from './call-stats.js'
import { errorCode } from './errors.js'

export interface SendOptions {
  abortSignal?: AbortSignal
}

export interface CallOptions {
  signal?: AbortSignal | undefined
  /** Awaited before the request is sent (a rate limiter). */
  before?: (signal?: AbortSignal) => Promise<void>
}

/** `api` is `service:Operation`, the name gaps and stats use. */
export async function call<T>(
  api: string,
  send: (options: SendOptions) => Promise<T>,
  options: CallOptions = {},
): Promise<T> {
  const stats = statsOf(options.signal)
  await options.before?.(options.signal)
  stats?.call(api)
  try {
    return await send(options.signal ? { abortSignal: options.signal } : {})
  } catch (err) {
    stats?.failure(api, errorCode(err))
    throw err
  }
}

export interface PagesOptions<P> extends CallOptions {
  /**
   * Whether another page follows `page` (its NextToken/Marker is set). Lets us stop without
   * asking the paginator, so a rate limiter is not charged for a request that is never sent.
   */
  more?: (page: P) => boolean
}

/** Every page of a paginator, in order. `pages` gets the SDK's extra send arguments. */
export async function pages<P>(
  api: string,
  paginate: (options: SendOptions) => AsyncIterable<P>,
  options: PagesOptions<P> = {},
): Promise<P[]> {
  const stats = statsOf(options.signal)
  const iterator = paginate(options.signal ? { abortSignal: options.signal } : {})[Symbol.asyncIterator]()
  const out: P[] = []
  try {
    for (;;) {
      await options.before?.(options.signal)
      let next: IteratorResult<P>
      try {
        next = await iterator.next()
      } catch (err) {
        stats?.call(api)
        stats?.failure(api, errorCode(err))
        throw err
      }
      if (next.done) return out
      stats?.call(api)
      out.push(next.value)
      if (options.more && !options.more(next.value)) return out
    }
  } finally {
    await iterator.return?.()
  }
}
