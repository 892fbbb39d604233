import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { pingRedis } from '../../queue/redis.js'
import type { Db } from '../../store/index.js'
import { migrationsApplied } from '../../store/migrate.js'
import { sendProblem } from '../plugins/problems.js'
import { problemRef } from '../schemas/common.js'

const Checks = Type.Object({
  database: Type.Boolean(),
  migrations: Type.Boolean(),
  redis: Type.Boolean(),
})

export async function healthRoutes(app: FastifyInstance, opts: { db: Db; redis: Redis }) {
  app.get(
    '/health',
    {
      config: { auth: 'none', rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/ready',
    {
      config: { auth: 'none', rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Readiness: Redis and the database answer, migrations are applied',
        response: { 200: Type.Object({ status: Type.Literal('ready'), checks: Checks }), 503: problemRef },
      },
    },
    async (req, reply) => {
      const [database, redis] = await Promise.all([
        sql`SELECT 1`.execute(opts.db).then(
          () => true,
          () => false,
        ),
        pingRedis(opts.redis),
      ])
      const migrations = database && (await migrationsApplied(opts.db))
      if (database && redis && migrations)
        return { status: 'ready' as const, checks: { database, migrations, redis } }
      const failing = Object.entries({ database, migrations, redis })
        .filter(([, ok]) => !ok)
        .map(([name]) => name)
      return sendProblem(reply, req, 503, 'not-ready', 'Not ready', `failing checks: ${failing.join(', ')}`)
    },
  )
}
