/**
 * Open-loop load at a fixed average rate, as many independent clients make it: requests start at
 * Poisson arrival times (exponential gaps from a seeded generator) whatever earlier requests are
 * doing, over a pool of keep-alive connections, and each latency counts from the request's
 * scheduled start, so a server (or this client) falling behind shows in the figures instead of
 * slowing the arrivals.
 *
 * autocannon's overallRate is another load: each connection sends its share of a second's
 * requests back to back when the second starts and then waits for the next, so "500 req/s over
 * 50 connections" is a burst of 50 concurrent requests every second, whose latency is the
 * burst's queue (50 ÷ the server's throughput), not that of 500 requests spread over the second.
 */

import http from 'node:http'

export interface PacedResult {
  requests: number
  /** Seconds from the first scheduled start to the last answer. */
  duration: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  non2xx: number
  errors: number
  /** Requests still unanswered 10 s after the last was scheduled. */
  timeouts: number
  /**
   * How late this client started requests after their scheduled times (its timers and its own
   * work on shared cores): part of the latency that is not the server's.
   */
  startLagMs: { p50: number; p99: number; max: number }
}

/** A small seeded generator (mulberry32): the same arrival times on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0
const round1 = (n: number) => Math.round(n * 10) / 10

export async function pacedLoad(opts: {
  url: string
  token: string
  paths: string[]
  rate: number
  seconds: number
  /** Keep-alive connections at most; a request finding them all busy waits for one. */
  connections: number
  seed?: number
}): Promise<PacedResult> {
  const { hostname, port } = new URL(opts.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections })
  const random = seeded(opts.seed ?? 42)
  const latencies: number[] = []
  const lags: number[] = []
  let non2xx = 0
  let errors = 0
  let inflight = 0
  let lastAnswer = 0
  let allAnswered: () => void = () => {}

  const done = () => {
    lastAnswer = performance.now()
    if (--inflight === 0) allAnswered()
  }
  const fire = (scheduled: number, path: string) => {
    inflight++
    lags.push(performance.now() - scheduled)
    const req = http.request(
      { agent, hostname, port, path, headers: { authorization: `Bearer ${opts.token}` } },
      (res) => {
        if ((res.statusCode ?? 0) >= 300) non2xx++
        res.resume()
        res.on('end', () => {
          latencies.push(performance.now() - scheduled)
          done()
        })
        res.on('error', () => {
          errors++
          done()
        })
      },
    )
    req.on('error', () => {
      errors++
      done()
    })
    req.end()
  }

  const start = performance.now()
  const end = start + opts.seconds * 1000
  let next = start
  let i = 0
  while (next < end) {
    const now = performance.now()
    while (next <= now && next < end) {
      fire(next, opts.paths[i++ % opts.paths.length]!)
      next += (-Math.log(1 - random()) * 1000) / opts.rate
    }
    // Timers have millisecond resolution: a request starts at most about 1 ms after its
    // scheduled time, and that delay counts in its latency.
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next - performance.now(), 5))))
  }
  if (inflight > 0) {
    await Promise.race([
      new Promise<void>((resolve) => {
        allAnswered = resolve
      }),
      new Promise((r) => setTimeout(r, 10_000)),
    ])
  }
  const timeouts = inflight
  agent.destroy()
  const sorted = latencies.sort((a, b) => a - b)
  const lagSorted = lags.sort((a, b) => a - b)
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1)
  return {
    requests: i,
    duration: ((lastAnswer || performance.now()) - start) / 1000,
    latencyMs: {
      p50: round1(percentile(sorted, 0.5)),
      p90: round1(percentile(sorted, 0.9)),
      p99: round1(percentile(sorted, 0.99)),
      max: round1(sorted.at(-1) ?? 0),
      mean: Math.round(mean * 100) / 100,
    },
    non2xx,
    errors,
    timeouts,
    startLagMs: {
      p50: round1(percentile(lagSorted, 0.5)),
      p99: round1(percentile(lagSorted, 0.99)),
      max: round1(lagSorted.at(-1) ?? 0),
    },
  }
}
