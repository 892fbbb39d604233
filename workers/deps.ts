import type { Logger } from 'pino'
import type { GuardrailSettings, PolicyCatalogs } from '../src/assess/guardrails.js'
import type { Queues } from '../src/queue/producer.js'
import type { SourceResolver } from '../src/sources/resolver.js'
import type { Store } from '../src/store/index.js'
import type { WebhookSettings } from '../src/webhooks/settings.js'

/** What every processor needs; built once per process and passed in, so tests can build their own. */
export interface WorkerDeps {
  store: Store
  queues: Queues
  sources: SourceResolver
  log: Logger
  /** Loaded once per process, shared by every job. */
  catalogs: PolicyCatalogs
  guardrails: GuardrailSettings
  /** Account tags older than this are read again beside a sweep's account phase; default 24 h. */
  accountTagsMaxAgeMs?: number
  /** Webhook delivery settings; default: DEFAULT_WEBHOOK_SETTINGS. */
  webhooks?: WebhookSettings
}
