import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Queues } from '../../queue/producer.js'
import type { Db } from '../../store/index.js'

/**
 * Prometheus metrics on a registry of this app (not prom-client's global one, so several apps in
 * one test process do not collide). Queue depth and sweep figures are read at scrape time from
 * Redis and the database, so they are right whichever process did the work.
 */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: { db: Db; queues: Queues }) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'orgwarden_' })

  const duration = new Histogram({
    name: 'orgwarden_http_request_duration_seconds',
    help: 'HTTP request latency by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })

  new Gauge({
    name: 'orgwarden_queue_jobs',
    help: 'Jobs in each BullMQ queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      for (const q of [
        opts.queues.sweeps,
        opts.queues.accounts,
        opts.queues.webhooks,
        opts.queues.schedules,
      ]) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'waiting-children')
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n)
      }
    },
  })

  new Gauge({
    name: 'orgwarden_sweeps',
    help: 'Sweeps by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { rows } = await sql<{ status: string; n: number }>`
        SELECT status, count(*)::int AS n FROM sweeps GROUP BY status`.execute(opts.db)
      for (const r of rows) this.set({ status: r.status }, r.n)
    },
  })

  new Gauge({
    name: 'orgwarden_sweep_accounts',
    help: 'Accounts of finished sweeps by outcome (summed over sweeps)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      const { rows } = await sql<{
        collected: number
        unreachable: number
        failed: number
        cancelled: number
      }>`
        SELECT coalesce(sum(collected), 0)::int AS collected, coalesce(sum(unreachable), 0)::int AS unreachable,
               coalesce(sum(failed), 0)::int AS failed, coalesce(sum(cancelled), 0)::int AS cancelled
        FROM sweeps WHERE finished_at IS NOT NULL`.execute(opts.db)
      for (const [outcome, n] of Object.entries(rows[0] ?? {})) this.set({ outcome }, n)
    },
  })

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    duration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })

  app.get('/metrics', { schema: { hide: true }, config: { auth: 'read' } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  )
})
