/**
 * Shared pieces of the AWS tests: SDK-shaped errors, fake STS sessions that name their account,
 * a logger that writes to a buffer, and a source built with test credentials.
 */
import { Writable } from 'node:stream'
import { type Logger, pino } from 'pino'
import type { AwsCredentials } from '../../src/aws/client-pool.js'
import { REDACT_PATHS } from '../../src/logger.js'
import { type AwsOrgSource, type AwsSourceOptions, createAwsSource } from '../../src/sources/aws-source.js'

export const BASE_KEY_ID = 'AKIAHUBBASE000000001'
export const BASE_SECRET = 'hubBaseSecret0123456789abcdefghijklmnopqrstuv'

export const baseCredentials = async (): Promise<AwsCredentials> => ({
  accessKeyId: BASE_KEY_ID,
  secretAccessKey: BASE_SECRET,
})

export interface ErrorOptions {
  status?: number
  fault?: 'client' | 'server'
}

/** An error shaped like the SDK's service exceptions (name = code, $fault, $metadata). */
export function awsError(
  code: string,
  message = `${code} raised by the test`,
  options: ErrorOptions = {},
): Error {
  const status = options.status ?? (options.fault === 'server' ? 500 : 400)
  return Object.assign(new Error(message), {
    name: code,
    $fault: options.fault ?? (status >= 500 ? 'server' : 'client'),
    $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 },
  })
}

/** Session parts that carry the account id, so a mocked call can tell whose client sent it. */
export function sessionKeyId(accountId: string): string {
  return `ASIA${accountId}TEST`
}
export function sessionSecret(accountId: string): string {
  return `sessionSecret${accountId}abcdefghijklmnopqrstuvwxyz0123`
}
export function sessionToken(accountId: string): string {
  return `FwoGZXIvYXdzEJr${accountId}SessionTokenBodyThatIsLongEnoughToLookReal0123456789`
}

export function stsCredentials(accountId: string, expiresInMs = 3_600_000) {
  return {
    AccessKeyId: sessionKeyId(accountId),
    SecretAccessKey: sessionSecret(accountId),
    SessionToken: sessionToken(accountId),
    Expiration: new Date(Date.now() + expiresInMs),
  }
}

/** The 12-digit account id out of a role ARN. */
export function accountOfRoleArn(arn: string): string {
  return arn.split(':')[4] ?? ''
}

interface ClientWithCredentials {
  config: { credentials: () => Promise<AwsCredentials> }
}

/** Whose session a mocked client was built with (see sessionKeyId). */
export async function accountOfClient(getClient: () => unknown): Promise<string> {
  const credentials = await (getClient() as ClientWithCredentials).config.credentials()
  const match = /^ASIA(\d{12})TEST$/.exec(credentials.accessKeyId)
  if (!match) throw new Error(`client has no account session (${credentials.accessKeyId.slice(0, 4)}...)`)
  return match[1]
}

export interface CapturedLog {
  logger: Logger
  text(): string
  lines(): Array<Record<string, unknown>>
}

/** A pino logger at trace level, with the app's redaction, writing to memory. */
export function captureLogger(): CapturedLog {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream)
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

export const SWEEP = 'sweep-0001'

/** A source with test credentials, one region, fast polling; every option can be overridden. */
export function testSource(overrides: Partial<AwsSourceOptions> = {}): AwsOrgSource {
  return createAwsSource({
    region: 'us-east-1',
    regions: ['us-east-1'],
    auditRoleName: 'OrgwardenAudit',
    baseCredentials,
    credentialReport: { initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 1_000 },
    organizationsRates: FAST_RATES,
    ...overrides,
  })
}

/** Organizations buckets wide open, for tests that are not about pacing. */
export const FAST_RATES = Object.fromEntries(
  [
    'DescribeOrganization',
    'ListRoots',
    'ListAccountsForParent',
    'ListOrganizationalUnitsForParent',
    'ListPolicies',
    'ListTargetsForPolicy',
    'DescribePolicy',
    'ListDelegatedAdministrators',
    'ListDelegatedServicesForAccount',
    'ListTagsForResource',
  ].map((op) => [op, { rate: 10_000, burst: 10_000 }]),
)

/** URL-encodes a document the way IAM returns it. */
export function iamEncoded(doc: unknown): string {
  return encodeURIComponent(JSON.stringify(doc))
}
