/**
 * Webhook delivery benchmark: a finished sweep with N finding.opened events is dispatched through
 * the real pipeline (dispatch job → delivery rows in PostgreSQL → one BullMQ job per delivery →
 * signed HTTP POST) to a local receiver, and timed until every delivery has succeeded.
 *
 *   npm run bench -- webhooks --events 5000 --subscriptions 1 --concurrency 32 --max-concurrency 16 --latency 0
 *
 * Options: --events (finding events in the sweep) --subscriptions (generic subscriptions, each
 * receiving every event) --concurrency (deliveries in flight in this worker process)
 * --max-concurrency (per subscription) --latency (ms the receiver waits before answering).
 *
 * Prints a table and writes JSON to bench/results/. Needs REDIS_URL and TEST_DATABASE_URL
 * (scripts/bench.mjs provides both).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { pino } from 'pino'
import { createQueues } from '../src/queue/producer.js'
import { createRedis } from '../src/queue/redis.js'
import { openStore } from '../src/store/index.js'
import { enqueueSweepDispatch } from '../src/webhooks/jobs.js'
import { DEFAULT_WEBHOOK_SETTINGS } from '../src/webhooks/settings.js'
import { generateSecret } from '../src/webhooks/signing.js'
import type { WorkerDeps } from '../workers/deps.js'
import { createWebhookWorker } from '../workers/webhook-processor.js'
import { type Figure, printTable, writeResults } from './lib/eval-report.js'

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    subscriptions: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    'max-concurrency': { type: 'string', default: '16' },
    latency: { type: 'string', default: '0' },
  },
})
const EVENTS = Number(args.events)
const SUBS = Number(args.subscriptions)
const CONCURRENCY = Number(args.concurrency)
const MAX_CONCURRENCY = Number(args['max-concurrency'])
const LATENCY = Number(args.latency)

const admin = process.env.TEST_DATABASE_URL
const redisUrl = process.env.REDIS_URL
if (!admin || !redisUrl)
  throw new Error('run through `npm run bench -- webhooks` (needs REDIS_URL and TEST_DATABASE_URL)')

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `ow_bench_wh_${randomBytes(5).toString('hex')}`
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: admin })
    await c.connect()
    await c.query(q)
    await c.end()
  }
  await run(`CREATE DATABASE ${name}`)
  const url = new URL(admin!)
  url.pathname = `/${name}`
  try {
    return await fn(url.toString())
  } finally {
    await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  }
}

async function startReceiver() {
  let count = 0
  const ids = new Set<string>()
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      count++
      ids.add(String(req.headers['webhook-id']))
      const answer = () => res.writeHead(204).end()
      if (LATENCY > 0) setTimeout(answer, LATENCY)
      else answer()
    })
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    stats: () => ({ count, distinct: ids.size }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

await withDatabase(async (databaseUrl) => {
  const store = await openStore({ databaseUrl, dataDir: 'unused' })
  const prefix = `owbench-${randomBytes(4).toString('hex')}`
  const redis = createRedis(redisUrl, 'producer')
  const workerRedis = createRedis(redisUrl, 'worker')
  const queues = createQueues(redis, { prefix, accountAttempts: 1 })
  const receiver = await startReceiver()
  const settings = {
    ...DEFAULT_WEBHOOK_SETTINGS,
    allowHosts: ['127.0.0.1'],
    workerConcurrency: CONCURRENCY,
    backoffMs: 100,
  }
  const worker = createWebhookWorker(
    { store, queues, log: pino({ level: 'silent' }), webhooks: settings } as unknown as WorkerDeps,
    { connection: workerRedis, prefix, lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 2 },
  )
  try {
    // A finished sweep with EVENTS newly opened findings.
    const sweepId = randomUUID()
    await store.sweeps.create({
      id: sweepId,
      sourceKind: 'snapshot',
      sourceName: 'bench',
      scope: { organizationalUnitIds: [], accountIds: [] } as never,
      requestedBy: 'bench',
    })
    await store.handle.db
      .updateTable('sweeps')
      .set({ status: 'completed', started_at: new Date(), finished_at: new Date() })
      .where('id', '=', sweepId)
      .execute()
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const
    for (let i = 0; i < EVENTS; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => {
        const n = i + j
        return {
          id: randomUUID(),
          fingerprint: `bench-${n}`,
          rule_id: 'role.trusts-any-principal',
          account_id: String(100000000000 + (n % 500)),
          account_name: `account-${n % 500}`,
          ou_path: 'o-bench/r-bench/ou-bench-aaaa1111/',
          resource_arn: `arn:aws:iam::${100000000000 + (n % 500)}:role/bench-${n}`,
          severity: severities[n % 5]!,
          status: 'open' as const,
          title: `Role bench-${n} trusts any principal`,
          evidence: '{}',
          first_seen_sweep: sweepId,
          last_seen_sweep: sweepId,
          first_seen_at: new Date(),
          last_seen_at: new Date(),
        }
      })
      await store.handle.db.insertInto('findings').values(batch).execute()
      await store.handle.db
        .insertInto('finding_events')
        .values(
          batch.map((f) => ({
            id: randomUUID(),
            finding_id: f.id,
            sweep_id: sweepId,
            kind: 'opened' as const,
          })),
        )
        .execute()
    }
    for (let s = 0; s < SUBS; s++) {
      await store.webhooks.create(
        randomUUID(),
        {
          name: `bench-${s}`,
          url: receiver.url,
          format: 'generic',
          events: ['finding.opened'],
          filter: {},
          options: {},
          digest: false,
          enabled: true,
          maxConcurrency: MAX_CONCURRENCY,
          headers: {},
        },
        generateSecret(),
        'bench',
      )
    }

    const total = EVENTS * SUBS
    const started = performance.now()
    await enqueueSweepDispatch(queues.webhooks, sweepId)
    let dispatchedMs = 0
    for (;;) {
      await new Promise((r) => setTimeout(r, 100))
      if (!dispatchedMs && (await queues.webhooks.getJob(`dispatch-${sweepId}`))?.finishedOn)
        dispatchedMs = performance.now() - started
      const { count } = await store.handle.db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('status', '=', 'succeeded')
        .executeTakeFirstOrThrow()
      if (Number(count) >= total) break
      if (performance.now() - started > 15 * 60_000) throw new Error(`only ${count} of ${total} delivered`)
    }
    const seconds = (performance.now() - started) / 1000
    const { count, distinct } = receiver.stats()
    const figures: Figure[] = [
      {
        name: 'deliveries',
        value: total,
        unit: 'events',
        note: `${EVENTS} events × ${SUBS} subscription(s)`,
      },
      {
        name: 'end-to-end throughput',
        value: total / seconds,
        unit: 'events/s',
        note: 'dispatch + signed POST + status row',
      },
      { name: 'end to end', value: seconds, unit: 's' },
      {
        name: 'dispatch (rows + jobs)',
        value: dispatchedMs / 1000,
        unit: 's',
        note: 'within the 100 ms poll',
      },
      { name: 'requests received', value: count, unit: 'requests', note: `${distinct} distinct webhook-id` },
    ]
    printTable(figures)
    const file = writeResults(`webhooks-${EVENTS}`, figures, {
      options: {
        events: EVENTS,
        subscriptions: SUBS,
        concurrency: CONCURRENCY,
        maxConcurrency: MAX_CONCURRENCY,
        latencyMs: LATENCY,
      },
    })
    console.error(`wrote ${file}`)
  } finally {
    await worker.close()
    await queues.webhooks.obliterate({ force: true }).catch(() => {})
    await queues.close()
    await Promise.allSettled([redis.quit(), workerRedis.quit()])
    await receiver.close()
    await store.close()
  }
})
