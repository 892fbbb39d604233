import type { Logger } from 'pino'
import type { Queues } from '../src/queue/producer.js'
import type { SourceResolver } from '../src/sources/resolver.js'
import type { Store } from '../src/store/index.js'

/** What every processor needs; built once per process and passed in, so tests can build their own. */
export interface WorkerDeps {
  store: Store
  queues: Queues
  sources: SourceResolver
  log: Logger
}
