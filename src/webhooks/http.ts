import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

/** A target we will not connect to: not http(s), or an address that is not public unicast. */
export class RefusedTargetError extends Error {
  override readonly name = 'RefusedTargetError'
}

/** Public unicast only: loopback, private, link-local, unique-local, unspecified, CGNAT... are not. */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast'
  } catch {
    return false
  }
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '').toLowerCase()

export function isAllowedHost(hostname: string, allowHosts: readonly string[]): boolean {
  const host = bareHost(hostname)
  return allowHosts.some((h) => bareHost(h) === host)
}

/** http(s) only, no credentials in the URL: the check made when a subscription is saved. */
export function urlProblem(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username || url.password) return 'must not carry credentials; use headers'
  return undefined
}

/**
 * The resolver every webhook connection goes through: the address checked is the address
 * connected to, so a name that later resolves to an internal address is refused then too.
 */
function guardedLookup(hostname: string): LookupFunction {
  return (name, options, callback) => {
    dnsLookup(name, { ...options, all: true }, (err, addresses) => {
      const cb = callback as (e: Error | null, a?: unknown, f?: number) => void
      if (err) return cb(err)
      const list = addresses as LookupAddress[]
      const refused = list.find((a) => !isPublicAddress(a.address))
      if (refused)
        return cb(
          new RefusedTargetError(
            `${hostname} resolves to ${refused.address}, which is not a public address (allow it with ORGWARDEN_WEBHOOK_ALLOW_HOSTS)`,
          ),
        )
      if (options.all) return cb(null, list)
      return cb(null, list[0]!.address, list[0]!.family)
    })
  }
}

export interface SendResult {
  status: number
  latencyMs: number
  /** The response body as text, at most RESPONSE_LIMIT bytes (ticketing reads ids from it). */
  body: string
}

export interface SendOptions {
  /** POST by default; ticketing formats also GET (look-ups) and PATCH (ServiceNow updates). */
  method?: 'GET' | 'POST' | 'PATCH'
  body: string
  headers: Record<string, string>
  timeoutMs: number
  allowHosts: readonly string[]
}

const RESPONSE_LIMIT = 256 * 1024

/** One POST with a deadline on the whole exchange; redirects are not followed. */
export function postJson(target: string, opts: SendOptions): Promise<SendResult> {
  return sendJson(target, { ...opts, method: 'POST' })
}

/** One request with a deadline on the whole exchange; redirects are not followed. */
export function sendJson(target: string, opts: SendOptions): Promise<SendResult> {
  const method = opts.method ?? 'POST'
  const problem = urlProblem(target)
  if (problem) return Promise.reject(new RefusedTargetError(`the URL ${problem}`))
  const url = new URL(target)
  const allowed = isAllowedHost(url.hostname, opts.allowHosts)
  const literal = bareHost(url.hostname)
  // An IP literal is connected to without a lookup: check it here.
  if (!allowed && isIP(literal) && !isPublicAddress(literal)) {
    return Promise.reject(
      new RefusedTargetError(
        `${literal} is not a public address (allow it with ORGWARDEN_WEBHOOK_ALLOW_HOSTS)`,
      ),
    )
  }
  const client = url.protocol === 'https:' ? https : http
  const started = performance.now()
  const payload = method === 'GET' ? '' : opts.body
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        headers: {
          ...opts.headers,
          accept: 'application/json',
          ...(method === 'GET'
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          'user-agent': 'Orgwarden-Webhooks/1',
        },
        signal: AbortSignal.timeout(opts.timeoutMs),
        timeout: opts.timeoutMs,
        agent: false,
        ...(allowed ? {} : { lookup: guardedLookup(url.hostname) }),
      },
      (res) => {
        // Keep the start of the body (ids of created tickets); drain the rest so the socket closes.
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          if (size < RESPONSE_LIMIT) chunks.push(c)
          size += c.length
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            latencyMs: Math.round(performance.now() - started),
            body: Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no response within ${opts.timeoutMs} ms`)))
    req.on('error', (err) => {
      if (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR')
        reject(new Error(`no response within ${opts.timeoutMs} ms`))
      else reject(err)
    })
    req.end(payload)
  })
}
