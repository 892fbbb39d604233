import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/config/index.js'
import { openStore } from '../src/store/index.js'

const USAGE = `usage:
  npm run token -- create --name <name> --scope read|write   prints the token once
  npm run token -- list
  npm run token -- revoke <id>`

/** Token administration straight on the store (tokens are never retrievable afterwards). */
export async function tokenCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string', default: 'read' } },
  })
  const [action, id] = positionals
  if (action === 'create') {
    if (!values.name) throw new ConfigError(`--name is required\n${USAGE}`)
    if (values.scope !== 'read' && values.scope !== 'write')
      throw new ConfigError(`--scope must be read or write\n${USAGE}`)
  } else if (action === 'revoke' ? !id : action !== 'list') {
    throw new ConfigError(USAGE)
  }
  const config = loadConfig()
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    if (action === 'create') {
      const created = await store.tokens.create(values.name!, values.scope as 'read' | 'write')
      console.error(
        `created token "${values.name}" (id ${created.id}, scope ${values.scope}); it is shown only once:`,
      )
      console.log(created.token)
    } else if (action === 'list') {
      for (const t of await store.tokens.list()) {
        const state = t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : 'active'
        console.log(`${t.id}  ${t.scope.padEnd(5)}  ${state.padEnd(8)}  ${t.name}`)
      }
    } else if (!(await store.tokens.revoke(id!))) {
      throw new ConfigError(`no active token with id ${id}`)
    } else {
      console.error(`revoked ${id}`)
    }
  } finally {
    await store.close()
  }
}
