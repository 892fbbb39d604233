import { type AccountTagsRepo, createAccountTagsRepo } from './account-tags-repo.js'
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from './database.js'
import { createFindingsRepo, type FindingsRepo } from './findings-repo.js'
import { createGuardrailsRepo, type GuardrailsRepo } from './guardrails-repo.js'
import { migrate } from './migrate.js'
import { createSchedulesRepo, type SchedulesRepo } from './schedules-repo.js'
import { createSettingsRepo, type SettingsRepo } from './settings-repo.js'
import { createSweepsRepo, type SweepsRepo } from './sweeps-repo.js'
import { createTokensRepo, type TokensRepo } from './tokens-repo.js'
import { createWebhooksRepo, type WebhooksRepo } from './webhooks-repo.js'

export interface Store {
  handle: DatabaseHandle
  sweeps: SweepsRepo
  schedules: SchedulesRepo
  tokens: TokensRepo
  guardrails: GuardrailsRepo
  findings: FindingsRepo
  settings: SettingsRepo
  webhooks: WebhooksRepo
  accountTags: AccountTagsRepo
  close(): Promise<void>
}

/** Opens the database, applies pending migrations and returns the repositories. */
export async function openStore(opts: DatabaseOptions & { migrate?: boolean }): Promise<Store> {
  const handle = await openDatabase(opts)
  try {
    if (opts.migrate !== false) await migrate(handle.db)
  } catch (err) {
    await handle.close()
    throw err
  }
  return {
    handle,
    sweeps: createSweepsRepo(handle.db),
    schedules: createSchedulesRepo(handle.db),
    tokens: createTokensRepo(handle.db),
    guardrails: createGuardrailsRepo(handle.db),
    findings: createFindingsRepo(handle.db),
    settings: createSettingsRepo(handle.db),
    webhooks: createWebhooksRepo(handle.db),
    accountTags: createAccountTagsRepo(handle.db),
    close: () => handle.close(),
  }
}

export type { Db } from './database.js'
