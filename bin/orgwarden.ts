#!/usr/bin/env node
/**
 * The one command-line entry: `serve` (API + workers, the all-in-one process), `api`, `worker`,
 * `demo`, `token`, `openapi`. It reads config, starts things and stops them; nothing else.
 */
import { ConfigError } from '../src/config/index.js'

const [command = 'serve', ...args] = process.argv.slice(2)

async function main(): Promise<void> {
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serve({ api: true, workers: true, demo: false })
    case 'api':
      return (await import('./serve.js')).serve({ api: true, workers: false, demo: false })
    case 'worker':
      return (await import('./serve.js')).serve({ api: false, workers: true, demo: false })
    case 'demo':
      // The demo organization's SCP allows eu-west-1 and eu-central-1; judge its region allowlist
      // against those unless the operator chose otherwise.
      process.env.ORGWARDEN_ALLOWED_REGIONS ??= 'eu-west-1,eu-central-1'
      return (await import('./serve.js')).serve({ api: true, workers: true, demo: true })
    case 'token':
      return (await import('./token.js')).tokenCommand(args)
    case 'openapi':
      return (await import('./openapi.js')).writeOpenapi(args[0])
    default:
      throw new ConfigError(`unknown command "${command}"; use serve, api, worker, demo, token or openapi`)
  }
}

main().catch((err: unknown) => {
  // Configuration and usage errors are for a person: one clear line, no stack.
  if (err instanceof ConfigError) console.error(`orgwarden: ${err.message}`)
  else console.error('orgwarden: failed to start:', err instanceof Error ? err.message : err)
  process.exit(1)
})
