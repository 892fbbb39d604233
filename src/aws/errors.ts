/**
 * What an AWS error means to a sweep, and how it may be shown. Three outcomes:
 * - transient (throttling, 5xx, network, expired session): thrown, so the job is retried;
 * - denied or otherwise refused by the service (4xx): recorded as a gap for that one API;
 * - anything else (a bug of ours): rethrown untouched.
 * Messages we surface are scrubbed of anything shaped like a credential, because they end up in
 * logs and in the sweep's account record.
 */
import type { RawApiError } from '../org/raw-account-data.js'

/** Codes the SDK's standard retry strategy treats as throttling, plus a few service spellings. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'TransactionInProgressException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
])

const TRANSIENT_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceFailureException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'ServiceException',
  'IDPCommunicationError',
  'TimeoutError',
])

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND'])

const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'OptInRequired',
  'SubscriptionRequiredException',
])

export type ErrorKind = 'throttled' | 'transient' | 'denied' | 'refused' | 'unknown'

interface SdkErrorShape {
  name?: unknown
  code?: unknown
  Code?: unknown
  message?: unknown
  $fault?: unknown
  $metadata?: { httpStatusCode?: unknown }
  $retryable?: { throttling?: unknown }
}

export function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'UnknownError'
  const e = err as SdkErrorShape
  for (const candidate of [e.Code, e.name, e.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate
  }
  return 'UnknownError'
}

function httpStatus(err: unknown): number | undefined {
  const status = (err as SdkErrorShape | null)?.$metadata?.httpStatusCode
  return typeof status === 'number' ? status : undefined
}

/** True for errors the SDK produced about an AWS response (they carry $metadata or $fault). */
function isServiceError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as SdkErrorShape
  return e.$metadata !== undefined || e.$fault !== undefined
}

export function classifyError(err: unknown): ErrorKind {
  const code = errorCode(err)
  const status = httpStatus(err)
  if (THROTTLING_CODES.has(code) || status === 429) return 'throttled'
  if ((err as SdkErrorShape | null)?.$retryable?.throttling === true) return 'throttled'
  if (TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code)) return 'transient'
  if (status !== undefined && status >= 500) return 'transient'
  if ((err as SdkErrorShape | null)?.$fault === 'server') return 'transient'
  if (DENIED_CODES.has(code) || status === 403) return 'denied'
  if (isServiceError(err)) return 'refused'
  return 'unknown'
}

export function isThrottling(err: unknown): boolean {
  return classifyError(err) === 'throttled'
}

// Access key ids (AKIA.../ASIA...), and long base64 runs such as secret keys and session tokens.
const KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{12,}\b/g
const LONG_SECRET = /[A-Za-z0-9/+=]{40,}/g

/** Removes anything shaped like a credential; ARNs and account ids survive (they contain ':'). */
export function scrub(text: string): string {
  return text.replace(KEY_ID, '[redacted]').replace(LONG_SECRET, '[redacted]')
}

export function errorMessage(err: unknown): string {
  const message = (err as SdkErrorShape | null)?.message
  return scrub(typeof message === 'string' ? message : String(err))
}

/** The AWS error body as the raw bundle stores it: `{ Error: { Code, Message } }`. */
export function toRawError(err: unknown): RawApiError {
  const message = errorMessage(err)
  return { Error: message ? { Code: errorCode(err), Message: message } : { Code: errorCode(err) } }
}

/**
 * An AWS call that failed, with nothing of the SDK error attached (its `$response` and request
 * would otherwise ride along into logs). `transient` tells the job runner to retry.
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError'
  readonly code: string
  constructor(
    readonly api: string,
    readonly kind: ErrorKind,
    err: unknown,
    context?: string,
  ) {
    const code = errorCode(err)
    super(`${context ? `${context}: ` : ''}${api} failed with ${code}: ${errorMessage(err)}`)
    this.code = code
  }

  get transient(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient'
  }
}
