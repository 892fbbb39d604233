import { type Logger, pino } from 'pino'

/**
 * Paths never written to logs. Credentials must not reach a log line at any level: AWS keys
 * (the SDK's shapes), our API tokens, webhook secrets and custom headers, Authorization headers.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.headers',
  '*.Credentials',
  '*.credentials',
  '*.SecretAccessKey',
  '*.secretAccessKey',
  '*.SessionToken',
  '*.sessionToken',
  '*.AccessKeyId',
  '*.accessKeyId',
]

export function createLogger(level: string, name = 'orgwarden'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } })
}
