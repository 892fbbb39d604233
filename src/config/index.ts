import envSchema from 'env-schema'
import { type Static, Type } from 'typebox'

/**
 * Every environment variable Orgwarden reads, in one schema. `loadConfig` validates it once at
 * boot; the rest of the code reads the typed `Config`, never `process.env`.
 */
const REGION = '[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+'

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LOG_LEVEL: Type.Unsafe<string>({
    type: 'string',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  ORGWARDEN_DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  AWS_REGION: Type.String({ pattern: `^${REGION}$`, default: 'us-east-1' }),
  ORGWARDEN_AUDIT_ROLE_NAME: Type.String({ pattern: '^[\\w+=,.@-]{1,64}$', default: 'OrgwardenAudit' }),
  ORGWARDEN_EXTERNAL_ID: Type.Optional(Type.String({ pattern: '^[\\w+=,.@:/-]{2,1224}$' })),
  ORGWARDEN_ALLOWED_REGIONS: Type.String({
    pattern: `^(${REGION})(\\s*,\\s*${REGION})*$`,
    default: 'us-east-1,eu-west-1',
  }),
  ORGWARDEN_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 24 })),
  ORGWARDEN_HUB_ROLE_ARN: Type.Optional(
    Type.String({ pattern: '^arn:aws(-us-gov|-cn)?:iam::\\d{12}:role/.+$' }),
  ),
  ORGWARDEN_COLLECT_REGIONS: Type.Optional(Type.String({ pattern: `^(${REGION})(\\s*,\\s*${REGION})*$` })),
  ORGWARDEN_AWS_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 4 }),
  ORGWARDEN_AWS_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 300000, default: 30000 }),
  ORGWARDEN_AWS_SESSION_SECONDS: Type.Integer({ minimum: 900, maximum: 3600, default: 3600 }),
  ORGWARDEN_CONFIG_AGGREGATOR_ACCOUNT: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
  ORGWARDEN_CONFIG_AGGREGATOR_REGION: Type.Optional(Type.String({ pattern: `^${REGION}$` })),
  ORGWARDEN_CONFIG_AGGREGATOR_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  ORGWARDEN_SNAPSHOT_DIR: Type.Optional(Type.String({ minLength: 1 })),
  ORGWARDEN_SNAPSHOT_LATENCY_MS: Type.Integer({ minimum: 0, maximum: 60000, default: 0 }),
  ORGWARDEN_ACCOUNT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  ORGWARDEN_ACCOUNT_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 4 }),
  ORGWARDEN_ACCOUNT_TAGS_MAX_AGE_HOURS: Type.Integer({ minimum: 0, maximum: 8760, default: 24 }),
  ORGWARDEN_JOB_LOCK_MS: Type.Integer({ minimum: 1000, maximum: 600000, default: 30000 }),
  ORGWARDEN_QUEUE_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'orgwarden' }),
  ORGWARDEN_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 1200 }),
  ORGWARDEN_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1048576 }),
  ORGWARDEN_WEBHOOK_ALLOW_HOSTS: Type.String({
    pattern: '^[\\w.:\\[\\]-]*(\\s*,\\s*[\\w.:\\[\\]-]+)*$',
    default: '',
  }),
  ORGWARDEN_WEBHOOK_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 30, default: 12 }),
  ORGWARDEN_WEBHOOK_BACKOFF_MS: Type.Integer({ minimum: 1, maximum: 3600000, default: 60000 }),
  ORGWARDEN_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120000, default: 10000 }),
  ORGWARDEN_WEBHOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
})

type RawConfig = Static<typeof ConfigSchema>

export interface Config {
  port: number
  host: string
  logLevel: string
  /** Unset: use 127.0.0.1:6379, or start a private redis-server (all-in-one mode only). */
  redisUrl: string | undefined
  /** Unset: embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined
  dataDir: string
  awsRegion: string
  auditRoleName: string
  externalId: string | undefined
  allowedRegions: string[]
  adminToken: string | undefined
  /** Role assumed first from the default credential chain; audit roles trust it. */
  hubRoleArn: string | undefined
  /** Regions whose CloudTrail, Config and Access Analyzer are read; default: allowedRegions. */
  collectRegions: string[]
  awsMaxAttempts: number
  awsRequestTimeoutMs: number
  awsSessionSeconds: number
  configAggregator: { accountId: string; region: string; name?: string | undefined } | undefined
  snapshotDir: string | undefined
  snapshotLatencyMs: number
  accountConcurrency: number
  accountAttempts: number
  /** Account tags read longer ago than this are read again beside a sweep's account phase. */
  accountTagsMaxAgeHours: number
  /** How long a job stays locked to its worker; a crashed worker's jobs are retried after about this. */
  jobLockMs: number
  queuePrefix: string
  rateLimitPerMinute: number
  bodyLimitBytes: number
  /** Webhook delivery: hosts allowed to resolve to private addresses, retries, request deadline. */
  webhooks: {
    allowHosts: string[]
    attempts: number
    backoffMs: number
    timeoutMs: number
    workerConcurrency: number
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/** Validates `env` (default `process.env`); throws `ConfigError` naming the variable at fault. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const data: Record<string, string> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key]
    // An empty variable means "not set": `FOO=` in a compose file should not fail validation.
    if (value !== undefined && value !== '') data[key] = value
  }
  let raw: RawConfig
  try {
    raw = envSchema<RawConfig>({ schema: ConfigSchema, data, env: false, dotenv: false })
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${describe(err)}`)
  }
  const allowedRegions = splitList(raw.ORGWARDEN_ALLOWED_REGIONS)
  return {
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    redisUrl: raw.REDIS_URL,
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.ORGWARDEN_DATA_DIR,
    awsRegion: raw.AWS_REGION,
    auditRoleName: raw.ORGWARDEN_AUDIT_ROLE_NAME,
    externalId: raw.ORGWARDEN_EXTERNAL_ID,
    allowedRegions,
    adminToken: raw.ORGWARDEN_ADMIN_TOKEN,
    hubRoleArn: raw.ORGWARDEN_HUB_ROLE_ARN,
    collectRegions: raw.ORGWARDEN_COLLECT_REGIONS ? splitList(raw.ORGWARDEN_COLLECT_REGIONS) : allowedRegions,
    awsMaxAttempts: raw.ORGWARDEN_AWS_MAX_ATTEMPTS,
    awsRequestTimeoutMs: raw.ORGWARDEN_AWS_REQUEST_TIMEOUT_MS,
    awsSessionSeconds: raw.ORGWARDEN_AWS_SESSION_SECONDS,
    configAggregator: raw.ORGWARDEN_CONFIG_AGGREGATOR_ACCOUNT
      ? {
          accountId: raw.ORGWARDEN_CONFIG_AGGREGATOR_ACCOUNT,
          region: raw.ORGWARDEN_CONFIG_AGGREGATOR_REGION ?? raw.AWS_REGION,
          name: raw.ORGWARDEN_CONFIG_AGGREGATOR_NAME,
        }
      : undefined,
    snapshotDir: raw.ORGWARDEN_SNAPSHOT_DIR,
    snapshotLatencyMs: raw.ORGWARDEN_SNAPSHOT_LATENCY_MS,
    accountConcurrency: raw.ORGWARDEN_ACCOUNT_CONCURRENCY,
    accountAttempts: raw.ORGWARDEN_ACCOUNT_ATTEMPTS,
    accountTagsMaxAgeHours: raw.ORGWARDEN_ACCOUNT_TAGS_MAX_AGE_HOURS,
    jobLockMs: raw.ORGWARDEN_JOB_LOCK_MS,
    queuePrefix: raw.ORGWARDEN_QUEUE_PREFIX,
    rateLimitPerMinute: raw.ORGWARDEN_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: raw.ORGWARDEN_BODY_LIMIT_BYTES,
    webhooks: {
      allowHosts: raw.ORGWARDEN_WEBHOOK_ALLOW_HOSTS ? splitList(raw.ORGWARDEN_WEBHOOK_ALLOW_HOSTS) : [],
      attempts: raw.ORGWARDEN_WEBHOOK_ATTEMPTS,
      backoffMs: raw.ORGWARDEN_WEBHOOK_BACKOFF_MS,
      timeoutMs: raw.ORGWARDEN_WEBHOOK_TIMEOUT_MS,
      workerConcurrency: raw.ORGWARDEN_WEBHOOK_CONCURRENCY,
    },
  }
}

function splitList(value: string): string[] {
  return [...new Set(value.split(',').map((v) => v.trim()))]
}

// env-schema reports ajv paths like "env/PORT must be integer"; turn them into variable names.
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message
    .replace(/env\//g, '')
    .replace(/env must/g, 'environment must')
    .replace(/ must match pattern "[^"]*"/g, ' has an invalid format')
}
