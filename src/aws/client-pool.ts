/**
 * One pool of SDK clients for the process, keyed by service, scope (an account id, or `hub` for
 * the base/hub credentials) and region. Retries, timeouts and the HTTP agent are set here once,
 * so no reader configures a client of its own.
 *
 * Endpoints: the SDK's own resolution applies, including AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> (pointing Orgwarden at an AWS-compatible endpoint),
 * AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT. It runs once per service and region: the
 * first client looks these up in the environment and shared config files, and the clients after
 * it (one set per account) are given what it found. Looked up by every client, they cost about
 * 0.6 ms of CPU a client (each source that has no value throws an error with a stack).
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer'
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { ConfigServiceClient } from '@aws-sdk/client-config-service'
import { IAMClient } from '@aws-sdk/client-iam'
import { OrganizationsClient } from '@aws-sdk/client-organizations'
import { STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { ACCOUNTING_MIDDLEWARE, accountingMiddleware } from './call-stats.js'
import { FastAwsQueryProtocol } from './query-protocol.js'

const CLIENTS = {
  organizations: OrganizationsClient,
  sts: STSClient,
  iam: IAMClient,
  cloudtrail: CloudTrailClient,
  config: ConfigServiceClient,
  accessanalyzer: AccessAnalyzerClient,
} as const

/**
 * IAM's large responses (GetAccountAuthorizationDetails pages) are read in one pass instead of
 * the SDK's three (see `query-protocol.ts`); every other service keeps the SDK's protocol.
 */
const PROTOCOLS: Partial<Record<keyof typeof CLIENTS, unknown>> = { iam: FastAwsQueryProtocol }

export type ServiceName = keyof typeof CLIENTS
export type ClientOf<S extends ServiceName> = InstanceType<(typeof CLIENTS)[S]>

/** Temporary or long-term credentials; the SDK's AwsCredentialIdentity has this shape. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export type CredentialProvider = () => Promise<AwsCredentials>

/** Anything with `handle(request)`, as the SDK's HTTP handlers have (tests and proxies). */
export interface RequestHandlerLike {
  handle(request: unknown, options?: unknown): Promise<{ response: unknown }>
}

export interface ClientPoolOptions {
  /** Total attempts per call in the SDK's standard retry mode (first try included). Default 4. */
  maxAttempts?: number
  /** Socket inactivity limit per request. Default 30 s. */
  requestTimeoutMs?: number
  /** Time allowed to open a connection. Default 5 s. */
  connectionTimeoutMs?: number
  /** Sockets kept open to AWS, shared by every client. Default 64. */
  maxSockets?: number
  /** Replaces the HTTP handler of every client (for tests at the HTTP boundary). */
  requestHandler?: RequestHandlerLike
}

export const HUB_SCOPE = 'hub'

/** The settings every client of a service and region would otherwise look up on its own. */
const SETTLED_KEYS = [
  'useFipsEndpoint',
  'useDualstackEndpoint',
  'userAgentAppId',
  'authSchemePreference',
] as const

interface Settleable {
  config: Record<string, unknown> & { serviceConfiguredEndpoint?: () => Promise<string | undefined> }
}

interface Stackable {
  middlewareStack: { add(middleware: unknown, options: typeof ACCOUNTING_MIDDLEWARE): void }
}

export class ClientPool {
  private readonly clients = new Map<string, unknown>()
  private readonly users = new Map<string, number>()
  /** Per `service|region`: the first client's settings, once looked up (see the file comment). */
  private readonly settled = new Map<string, Promise<Record<string, unknown> | undefined>>()
  private readonly settledValues = new Map<string, Record<string, unknown>>()
  /** One handler, one keep-alive agent per scheme: every client reuses the same connections. */
  private readonly handler: RequestHandlerLike
  private readonly agents: [HttpAgent, HttpsAgent]
  private readonly options: Required<Omit<ClientPoolOptions, 'requestHandler'>> &
    Pick<ClientPoolOptions, 'requestHandler'>

  constructor(options: ClientPoolOptions = {}) {
    this.options = {
      maxAttempts: options.maxAttempts ?? 4,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 5_000,
      maxSockets: options.maxSockets ?? 64,
      requestHandler: options.requestHandler,
    }
    const agent = { keepAlive: true, maxSockets: this.options.maxSockets }
    this.agents = [new HttpAgent(agent), new HttpsAgent(agent)]
    // An endpoint over plain HTTP (AWS_ENDPOINT_URL at a local emulator) needs its own shared
    // agent: a client without one opens new connections with an agent of its own.
    this.handler =
      this.options.requestHandler ??
      new NodeHttpHandler({
        requestTimeout: this.options.requestTimeoutMs,
        connectionTimeout: this.options.connectionTimeoutMs,
        httpAgent: this.agents[0],
        httpsAgent: this.agents[1],
      })
  }

  /**
   * The client for (service, scope, region). `credentials` is used when the client is created;
   * a scope keeps the credentials it was created with until `release` drops its clients.
   */
  get<S extends ServiceName>(
    service: S,
    scope: string,
    region: string,
    credentials: CredentialProvider,
  ): ClientOf<S> {
    const key = `${service}|${scope}|${region}`
    const existing = this.clients.get(key)
    if (existing) return existing as ClientOf<S>
    const Ctor = CLIENTS[service] as unknown as new (config: object) => ClientOf<S>
    const base = `${service}|${region}`
    const client = new Ctor({
      region,
      credentials,
      retryMode: 'standard',
      maxAttempts: this.options.maxAttempts,
      requestHandler: this.handler,
      ...(PROTOCOLS[service] && { protocol: PROTOCOLS[service] }),
      ...this.settledValues.get(base),
    })
    ;(client as unknown as Stackable).middlewareStack.add(accountingMiddleware, ACCOUNTING_MIDDLEWARE)
    this.clients.set(key, client)
    if (!this.settled.has(base)) this.settled.set(base, this.settle(base, client as unknown as Settleable))
    return client
  }

  /**
   * The settings the clients of (service, region) share once the first one has looked them up;
   * undefined before any client of them exists, or when the lookup failed (each client then looks
   * them up itself, as the SDK does).
   */
  settings(service: ServiceName, region: string): Promise<Record<string, unknown> | undefined> {
    return this.settled.get(`${service}|${region}`) ?? Promise.resolve(undefined)
  }

  private async settle(base: string, client: Settleable): Promise<Record<string, unknown> | undefined> {
    try {
      const { config } = client
      const values: Record<string, unknown> = {}
      for (const name of SETTLED_KEYS) {
        const provider = config[name]
        const value = typeof provider === 'function' ? await provider() : provider
        values[name] = () => Promise.resolve(value)
      }
      const endpoint = await config.serviceConfiguredEndpoint?.()
      // Found nowhere: the next clients need not look again.
      Object.assign(values, endpoint ? { endpoint } : { ignoreConfiguredEndpointUrls: true })
      this.settledValues.set(base, values)
      return values
    } catch {
      this.settled.delete(base)
      return undefined
    }
  }

  /** Marks a scope as in use; clients of a scope live while someone holds it. */
  hold(scope: string): void {
    this.users.set(scope, (this.users.get(scope) ?? 0) + 1)
  }

  /**
   * Drops the clients of a scope once its last holder lets go, so a process that collects
   * thousands of accounts does not keep thousands of clients (and stale sessions). Clients
   * share the pool's handler, so dropping them closes nothing that others use.
   */
  release(scope: string): void {
    const left = (this.users.get(scope) ?? 1) - 1
    if (left > 0) {
      this.users.set(scope, left)
      return
    }
    this.users.delete(scope)
    for (const key of [...this.clients.keys()]) if (key.split('|')[1] === scope) this.clients.delete(key)
  }

  get size(): number {
    return this.clients.size
  }

  close(): void {
    this.clients.clear()
    this.settled.clear()
    this.settledValues.clear()
    this.users.clear()
    for (const agent of this.agents) agent.destroy()
  }
}
