/**
 * A simulated AWS over HTTP for sweeps: one endpoint (point AWS_ENDPOINT_URL at it) that speaks
 * the wire protocols of exactly the calls Orgwarden makes, so the real SDK serializers, parsers
 * and retry strategy run end to end:
 * - IAM and STS: awsQuery (form-encoded request, XML response, `<ErrorResponse>` errors);
 * - Organizations, CloudTrail, Config: awsJson1_1 (X-Amz-Target, `__type` errors);
 * - IAM Access Analyzer: restJson1 (`GET /analyzer`, X-Amzn-ErrorType errors, 429 throttling).
 * The service and region come from the SigV4 credential scope, the calling account from the
 * access key (STS hands out keys that name the account). Signatures are not checked.
 *
 * Latency is added to every answer; throttling is a token bucket per API and caller (per
 * organization for Organizations), answered as each service does: Organizations
 * TooManyRequestsException, IAM/STS Throttling, CloudTrail/Config ThrottlingException (400),
 * Access Analyzer ThrottlingException (429).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AccountGenerator, type ProfileOverrides } from './account.js'
import { accountOfKeyId, IAM_NS, IamHandler, STS_NS } from './iam.js'
import {
  buildOrganization,
  DEFAULT_SIM_OPTIONS,
  type SimOptions,
  type SimOrganization,
} from './organization.js'
import { organizations } from './organizations.js'
import { type Protocol, SimError, type SimRequest } from './protocol.js'
import { hash } from './random.js'
import { accessAnalyzer, cloudtrail, config } from './regional.js'
import {
  Buckets,
  DEFAULT_ACCOUNT_RATE,
  ORGANIZATIONS_RATES,
  ORGANIZATIONS_UNLISTED,
  type Rate,
  STS_RATE,
} from './throttle.js'
import { queryError } from './xml.js'

export interface SimAwsOptions extends Partial<SimOptions> {
  /** Added to every answer, in milliseconds. Default 0. */
  latencyMs?: number
  /** Token-bucket overrides per `service:Operation` (e.g. `iam:GetAccountSummary`). */
  rates?: Record<string, Rate>
  /** `service:Operation`s whose first request per calling account is throttled. */
  throttleFirst?: string[]
  /** Share of all requests throttled at random (seeded), as other callers sharing a bucket cause. */
  throttleShare?: number
  /** Planted profiles per account id, over the generated ones. */
  overrides?: ProfileOverrides
  port?: number
}

export interface SimStats {
  /** Requests per `service:Operation` (throttled ones included). */
  calls: Record<string, number>
  throttled: Record<string, number>
  /** Error answers other than throttling, per `service:Operation code`. */
  errors: Record<string, number>
  requests: number
  responseBytes: number
}

export interface SimAws {
  url: string
  org: SimOrganization
  generator: AccountGenerator
  stats: SimStats
  resetStats(): void
  close(): Promise<void>
}

const PROTOCOLS: Record<string, Protocol> = {
  iam: 'query',
  sts: 'query',
  organizations: 'json',
  cloudtrail: 'json',
  config: 'json',
  'access-analyzer': 'rest-json',
}

export async function startSimAws(options: SimAwsOptions = {}): Promise<SimAws> {
  const simOptions: SimOptions = { ...DEFAULT_SIM_OPTIONS }
  for (const [key, value] of Object.entries(options))
    if (key in DEFAULT_SIM_OPTIONS && value !== undefined)
      (simOptions as unknown as Record<string, unknown>)[key] = value
  const org = buildOrganization(simOptions)
  const generator = new AccountGenerator(org, Date.now(), options.overrides)
  const iam = new IamHandler(generator, (id) => org.accountById.get(id))
  const buckets = new Buckets()
  const firstSeen = new Set<string>()
  const throttleFirst = new Set(options.throttleFirst ?? [])
  const latency = options.latencyMs ?? 0
  const emptyStats = (): SimStats => ({ calls: {}, throttled: {}, errors: {}, requests: 0, responseBytes: 0 })
  const sim = { stats: emptyStats() }
  let sequence = 0

  const limitOf = (req: SimRequest): [string, Rate] => {
    const api = `${req.service}:${req.operation}`
    const override = options.rates?.[api]
    if (req.service === 'organizations')
      return [api, override ?? ORGANIZATIONS_RATES[req.operation] ?? ORGANIZATIONS_UNLISTED]
    if (req.service === 'sts') return [`${api}|${req.caller}|${req.region}`, override ?? STS_RATE]
    const region = req.service === 'iam' ? 'global' : req.region
    return [`${api}|${req.caller}|${region}`, override ?? DEFAULT_ACCOUNT_RATE]
  }

  const throttled = (req: SimRequest): boolean => {
    const api = `${req.service}:${req.operation}`
    if (throttleFirst.has(api)) {
      const key = `${api}|${req.caller}`
      if (!firstSeen.has(key)) {
        firstSeen.add(key)
        return true
      }
    }
    if (options.throttleShare && hash(simOptions.seed, `t${sequence}`) / 4294967296 < options.throttleShare)
      return true
    const [key, limit] = limitOf(req)
    return !buckets.take(key, limit)
  }

  const dispatch = (req: SimRequest): string => {
    if (req.service === 'sts') return iam.sts(req)
    if (req.service === 'iam') return iam.iam(req)
    if (req.service === 'organizations') return JSON.stringify(organizations(org, req))
    const account = org.accountById.get(req.caller)
    if (!account)
      throw new SimError(
        400,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      )
    if (req.service === 'cloudtrail') return JSON.stringify(cloudtrail(generator, account, req))
    if (req.service === 'config') return JSON.stringify(config(generator, account, req))
    return JSON.stringify(accessAnalyzer(generator, account, req))
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      handle(request, Buffer.concat(chunks).toString('utf8'), response).catch((err) => {
        response.statusCode = 500
        response.end(String(err))
      })
    })
  })

  async function handle(request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
    const requestId = `sim-${(++sequence).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      request.headers.authorization ?? '',
    )
    const service = scope?.[3] ?? 'unknown'
    const protocol = PROTOCOLS[service]
    if (!scope || !protocol) {
      response
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`unsigned request or unknown service ${service}`)
      return
    }
    const req: SimRequest = {
      service,
      operation: '',
      region: scope[2],
      caller: accountOfKeyId(scope[1]) ?? org.managementAccountId,
      params: new URLSearchParams(),
      json: {},
      requestId,
    }
    if (protocol === 'query') {
      req.params = new URLSearchParams(body)
      req.operation = req.params.get('Action') ?? ''
    } else if (protocol === 'json') {
      req.operation =
        String(request.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? ''
      req.json = body ? (JSON.parse(body) as Record<string, unknown>) : {}
    } else {
      const url = new URL(request.url ?? '/', 'http://sim')
      req.operation =
        request.method === 'GET' && url.pathname === '/analyzer'
          ? 'ListAnalyzers'
          : `${request.method} ${url.pathname}`
      req.json = Object.fromEntries(url.searchParams)
    }
    const api = `${service}:${req.operation}`
    const stats = sim.stats
    stats.requests++
    stats.calls[api] = (stats.calls[api] ?? 0) + 1
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency))

    let status = 200
    let text: string
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId }
    try {
      if (throttled(req)) {
        stats.throttled[api] = (stats.throttled[api] ?? 0) + 1
        const code =
          service === 'organizations'
            ? 'TooManyRequestsException'
            : protocol === 'query'
              ? 'Throttling'
              : 'ThrottlingException'
        throw new SimError(protocol === 'rest-json' ? 429 : 400, code, 'Rate exceeded')
      }
      text = dispatch(req)
    } catch (err) {
      if (!(err instanceof SimError)) throw err
      if (err.message !== 'Rate exceeded')
        stats.errors[`${api} ${err.code}`] = (stats.errors[`${api} ${err.code}`] ?? 0) + 1
      status = err.status
      if (protocol === 'query') {
        text = queryError(
          service === 'sts' ? STS_NS : IAM_NS,
          err.sender ? 'Sender' : 'Receiver',
          err.code,
          err.message,
          requestId,
        )
      } else if (protocol === 'json') {
        text = JSON.stringify({ __type: err.code, Message: err.message })
      } else {
        headers['x-amzn-errortype'] = err.code
        if (status === 429) headers['retry-after'] = '1'
        text = JSON.stringify({ message: err.message })
      }
    }
    const payload = Buffer.from(text, 'utf8')
    stats.responseBytes += payload.length
    headers['content-type'] =
      protocol === 'query'
        ? 'text/xml'
        : protocol === 'json'
          ? 'application/x-amz-json-1.1'
          : 'application/json'
    headers['content-length'] = String(payload.length)
    response.writeHead(status, headers).end(payload)
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    org,
    generator,
    get stats() {
      return sim.stats
    },
    resetStats() {
      sim.stats = emptyStats()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
