/** How webhooks are delivered; from ORGWARDEN_WEBHOOK_* (see src/config), shortened in tests. */
export interface WebhookSettings {
  /** Hosts (names or IPs) that may resolve to loopback/private addresses: internal ticketing. */
  allowHosts: string[]
  /** Requests per delivery before it is `dead`. */
  attempts: number
  /** First retry delay; doubles each attempt (12 attempts from 60 s spread over about 34 h). */
  backoffMs: number
  /** Deadline of one request, connection to last byte. */
  timeoutMs: number
  /** Deliveries in flight per worker process, all subscriptions together. */
  workerConcurrency: number
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowHosts: [],
  attempts: 12,
  backoffMs: 60_000,
  timeoutMs: 10_000,
  workerConcurrency: 16,
}

/** When retries end: the sum of every backoff delay. */
export const retrySpanMs = (s: Pick<WebhookSettings, 'attempts' | 'backoffMs'>) =>
  s.backoffMs * (2 ** (s.attempts - 1) - 1)
