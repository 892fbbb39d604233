import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TokenScope, TokensRepo } from '../../store/tokens-repo.js'
import { hashToken } from '../../store/tokens-repo.js'
import { Errors } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a route needs; 'none' for health, readiness and docs. Unset means 'read'. */
    auth?: TokenScope | 'none'
  }
  interface FastifyRequest {
    principal: { tokenId: string; name: string; scope: TokenScope } | null
  }
}

interface CachedToken {
  row: { id: string; name: string; scope: TokenScope } | null
  expires: number
}

// Looking a token up on every request would put the database on the hot path of every read; a
// short cache bounds both the load and how long a revoked token keeps working.
const CACHE_TTL_MS = 10_000
const TOUCH_EVERY_MS = 60_000

export const authPlugin = fp(async (app: FastifyInstance, opts: { tokens: TokensRepo }) => {
  const cache = new Map<string, CachedToken>()
  const touched = new Map<string, number>()

  async function lookup(token: string): Promise<CachedToken['row']> {
    const key = hashToken(token)
    const now = Date.now()
    const hit = cache.get(key)
    if (hit && hit.expires > now) return hit.row
    const row = await opts.tokens.findActive(token)
    const value = row ? { id: row.id, name: row.name, scope: row.scope } : null
    if (cache.size > 10_000) cache.clear()
    cache.set(key, { row: value, expires: now + CACHE_TTL_MS })
    return value
  }

  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const needed = req.routeOptions.config?.auth ?? 'read'
    if (needed === 'none' || req.url.startsWith('/docs')) return
    const header = req.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!match) throw new Errors.Unauthorized('send an API token as "Authorization: Bearer <token>"')
    const token = await lookup(match[1]!)
    if (!token) throw new Errors.Unauthorized('the API token is unknown or revoked')
    if (needed === 'write' && token.scope !== 'write') {
      throw new Errors.Forbidden(
        `this route needs a token with scope "write"; "${token.name}" has "${token.scope}"`,
      )
    }
    req.principal = { tokenId: token.id, name: token.name, scope: token.scope }
    const last = touched.get(token.id) ?? 0
    if (Date.now() - last > TOUCH_EVERY_MS) {
      touched.set(token.id, Date.now())
      opts.tokens.touch(token.id).catch((err) => req.log.warn({ err }, 'could not record token use'))
    }
  })
})
