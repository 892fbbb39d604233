/**
 * API benchmark: PostgreSQL loaded with 1,000,000 findings over 5,000 accounts (and the sweeps,
 * sweep accounts and guardrail verdicts the hot routes read), the real API started as
 * `orgwarden api`, and autocannon on the hot queries: GET /v1/findings filtered by severity and
 * OU (page of 100), GET /v1/sweeps/:id, GET /v1/guardrails. Closed-loop runs give requests/s and
 * latency at saturation; fixed-rate runs give the findings latency at 250 and 500 requests/s
 * (the target: p99 <= 25 ms at 500) with requests arriving as from many independent clients
 * (Poisson arrivals, open loop: lib/api-load.ts), and once more at 500 with autocannon's
 * overallRate, which sends each second's requests in a burst over 50 connections.
 *
 *   npm run bench -- api [--findings 1000000] [--accounts 5000] [--duration 15] [--connections 10]
 *                        [--rate 250,500] [--log-level info] [--reuse] [--cpu-prof DIR]
 *                        [--only findings]
 *
 * --reuse keeps the loaded database (ow_bench_api_<findings>_<accounts>) and uses it when it is
 * already there; it only pays off with a PostgreSQL that outlives the run (TEST_DATABASE_URL).
 * --cpu-prof DIR writes a V8 CPU profile of the API process (open it in Chrome DevTools).
 * --only TEXT runs only the scenarios whose name contains TEXT (e.g. findings).
 * Each run reports CPU milliseconds per request of the API and of PostgreSQL, which stay
 * meaningful when other work shares the machine, and the 1-minute load average around it.
 */

import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import pg from 'pg'
import { openStore } from '../src/store/index.js'
import { machineBusyCores, startCpuProbe } from './lib/api-cpu.js'
import { loadDataset, orgShape } from './lib/api-dataset.js'
import { explainFindings, type PlanSummary } from './lib/api-explain.js'
import { type PacedResult, pacedLoad } from './lib/api-load.js'
import { startApiServer } from './lib/api-server.js'
import { type Figure, printTable, writeResults } from './lib/eval-report.js'
import { postmasterPid } from './lib/postgres-cpu.js'

const { values: args } = parseArgs({
  options: {
    findings: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '250,500' },
    'log-level': { type: 'string', default: 'info' },
    reuse: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    only: { type: 'string' },
  },
})
const FINDINGS = Number(args.findings)
const ACCOUNTS = Number(args.accounts)
const DURATION = Number(args.duration)
const CONNECTIONS = Number(args.connections)
const RATES = args.rate!.split(',').map(Number)
const TARGET_RATE = 500

const log = (msg: string) => console.error(`[api bench] ${msg}`)

function env(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run this with \`npm run bench -- api\``)
  return v
}

async function ensureDatabase(admin: string, name: string): Promise<{ url: string; created: boolean }> {
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount
  if (!exists) await c.query(`CREATE DATABASE ${name}`)
  await c.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return { url: url.toString(), created: !exists }
}

async function dropDatabase(admin: string, name: string) {
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await c.end()
}

interface Scenario {
  name: string
  /** Paths requested in turn. */
  paths: string[]
  connections: number
  overallRate?: number
  /**
   * With overallRate: poisson (the default) starts requests at Poisson arrival times, open loop
   * (lib/api-load.ts); autocannon-bursts is autocannon's overallRate, each connection's share of
   * a second sent back to back when the second starts.
   */
  arrivals?: 'poisson' | 'autocannon-bursts'
}

interface RunResult {
  scenario: string
  connections: number
  targetRate: number | null
  arrivals: 'closed-loop' | 'poisson' | 'autocannon-bursts'
  requestsPerSecond: number
  requests: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  non2xx: number
  errors: number
  timeouts: number
  cpuCores: ReturnType<ReturnType<typeof startCpuProbe>['stop']> & { machine: number }
  /** CPU milliseconds one request cost each process (cores × 1000 / requests per second). */
  cpuMsPerRequest: { api?: number; postgres?: number }
  /** 1-minute load average before and after the run: above ~2 other work shared the cores. */
  loadAverage: { before: number; after: number }
  /** Poisson runs: how late the client started requests (counted in their latency). */
  startLagMs?: { p50: number; p99: number; max: number }
}

async function run(
  base: string,
  token: string,
  s: Scenario,
  seconds: number,
  pids: { api: number; pg?: number | undefined },
): Promise<RunResult> {
  let i = 0
  const loadBefore = loadavg()[0]!
  const probe = startCpuProbe(pids.api, pids.pg)
  const machine = machineBusyCores()
  const arrivals = s.overallRate ? (s.arrivals ?? 'poisson') : 'closed-loop'
  const r: Omit<PacedResult, 'startLagMs'> & Partial<Pick<PacedResult, 'startLagMs'>> =
    arrivals === 'poisson'
      ? await pacedLoad({
          url: base,
          token,
          paths: s.paths,
          rate: s.overallRate!,
          seconds,
          connections: s.connections,
        })
      : await autocannon({
          url: base,
          connections: s.connections,
          duration: seconds,
          ...(s.overallRate ? { overallRate: s.overallRate } : {}),
          headers: { authorization: `Bearer ${token}` },
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, path: s.paths[i++ % s.paths.length]! }),
            },
          ],
        }).then((a) => ({
          requests: a.requests.total,
          duration: a.duration,
          latencyMs: {
            p50: a.latency.p50,
            p90: a.latency.p90,
            p99: a.latency.p99,
            max: a.latency.max,
            mean: Math.round(a.latency.mean * 100) / 100,
          },
          non2xx: a.non2xx,
          errors: a.errors,
          timeouts: a.timeouts,
        }))
  const cpu = { ...probe.stop(), machine: machine() }
  const rate = r.requests / r.duration
  const perRequest = (cores: number | undefined) =>
    cores === undefined || rate === 0 ? undefined : Math.round(((cores * 1000) / rate) * 100) / 100
  const apiMs = perRequest(cpu.api)
  const pgMs = perRequest(cpu.postgres)
  return {
    scenario: s.name,
    connections: s.connections,
    targetRate: s.overallRate ?? null,
    arrivals,
    requestsPerSecond: Math.round(rate),
    requests: r.requests,
    latencyMs: r.latencyMs,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    cpuCores: cpu,
    cpuMsPerRequest: {
      ...(apiMs !== undefined ? { api: apiMs } : {}),
      ...(pgMs !== undefined ? { postgres: pgMs } : {}),
    },
    loadAverage: { before: round2(loadBefore), after: round2(loadavg()[0]!) },
    ...(r.startLagMs ? { startLagMs: r.startLagMs } : {}),
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100

/** Severity × OU pairs a portal asks for: the whole org's worst, a division, a team's leaf OU. */
function findingPaths(): string[] {
  const shape = orgShape()
  const paths: string[] = []
  const severities = ['critical', 'high', 'medium']
  const ous = [...shape.top, ...shape.mid.slice(0, 6), ...shape.leaf.slice(0, 6)]
  for (const ou of ous)
    for (const sev of severities) paths.push(`/v1/findings?severity=${sev}&ouId=${ou}&limit=100`)
  return paths
}

/** Every path answers 200 with content (a findings page is not empty) before anything is measured. */
async function checkAnswers(base: string, token: string, scenarios: Scenario[]) {
  for (const path of new Set(scenarios.flatMap((s) => s.paths))) {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })
    const body = (await res.json()) as { items?: unknown[] }
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(body)}`)
    if (path.startsWith('/v1/findings') && !body.items?.length) {
      throw new Error(`GET ${path} answered no findings: the load would measure empty pages`)
    }
  }
}

async function main(): Promise<void> {
  const admin = env('TEST_DATABASE_URL')
  const redisUrl = env('REDIS_URL')
  const dbName = args.reuse
    ? `ow_bench_api_${FINDINGS}_${ACCOUNTS}`
    : `ow_bench_api_${randomBytes(5).toString('hex')}`
  const database = await ensureDatabase(admin, dbName)
  // The product's own migrations, applied as a process start applies them.
  const store = await openStore({ databaseUrl: database.url, dataDir: 'unused' })
  let loadTimings: Awaited<ReturnType<typeof loadDataset>> | null = null
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined
  try {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM findings`.execute(
      store.handle.db,
    )
    if (rows[0]!.n !== FINDINGS) {
      if (rows[0]!.n !== 0) throw new Error(`database ${dbName} holds ${rows[0]!.n} findings; drop it`)
      log(`loading ${FINDINGS.toLocaleString('en-US')} findings over ${ACCOUNTS} accounts into ${dbName}`)
      loadTimings = await loadDataset(store.handle.db, {
        accounts: ACCOUNTS,
        findings: FINDINGS,
        onProgress: log,
      })
      log(
        `loaded in ${((loadTimings.sweepsMs + loadTimings.findingsMs + loadTimings.analyzeMs) / 1000).toFixed(1)} s`,
      )
    } else {
      log(`reusing ${dbName} (${FINDINGS} findings)`)
    }
    const plans = await explainFindings(database.url)

    const adminToken = `owt_bench_${randomBytes(24).toString('base64url')}`
    server = await startApiServer({
      databaseUrl: database.url,
      redisUrl,
      adminToken,
      logLevel: args['log-level']!,
      cpuProfDir: args['cpu-prof'],
    })
    const shape = orgShape()
    const pids = { api: server.pid, pg: await postmasterPid(admin) }
    const scenarios: Scenario[] = [
      // One request at a time: the latency of a page with nothing queued before it.
      { name: 'GET /v1/findings (severity + OU, limit 100)', paths: findingPaths(), connections: 1 },
      {
        name: 'GET /v1/findings (severity + OU, limit 100)',
        paths: findingPaths(),
        connections: CONNECTIONS,
      },
      { name: 'GET /v1/sweeps/:id', paths: [`/v1/sweeps/${shape.latestSweepId}`], connections: CONNECTIONS },
      { name: 'GET /v1/guardrails', paths: ['/v1/guardrails'], connections: CONNECTIONS },
      ...RATES.map((rate) => ({
        name: `GET /v1/findings at ${rate} req/s (Poisson arrivals)`,
        paths: findingPaths(),
        // Enough connections that a slow response does not hold back the next request's start.
        connections: Math.max(CONNECTIONS, 50),
        overallRate: rate,
      })),
      {
        name: `GET /v1/findings at ${TARGET_RATE} req/s (autocannon: per-second bursts of 50)`,
        paths: findingPaths(),
        connections: Math.max(CONNECTIONS, 50),
        overallRate: TARGET_RATE,
        arrivals: 'autocannon-bursts' as const,
      },
    ].filter((s) => !args.only || s.name.includes(args.only))
    await checkAnswers(server.url, adminToken, scenarios)
    const results: RunResult[] = []
    for (const s of scenarios) {
      log(`warm-up: ${s.name}`)
      await run(server.url, adminToken, s, 3, pids)
      log(`measuring: ${s.name} for ${DURATION} s`)
      results.push(await run(server.url, adminToken, s, DURATION, pids))
    }

    report(results, loadTimings, plans)
  } finally {
    await server?.stop()
    await store.close()
    if (!args.reuse) await dropDatabase(admin, dbName)
  }
}

/** Cores the rest of the machine (other sessions, the kernel) used during a run. */
function othersCores(r: RunResult): number {
  const ours = (r.cpuCores.api ?? 0) + (r.cpuCores.postgres ?? 0) + r.cpuCores.loadGenerator
  return Math.max(0, Math.round((r.cpuCores.machine - ours) * 100) / 100)
}

function report(
  results: RunResult[],
  load: Awaited<ReturnType<typeof loadDataset>> | null,
  plans: PlanSummary[],
): void {
  const fixed = results.find((r) => r.targetRate === TARGET_RATE && r.arrivals === 'poisson')
  const figures: Figure[] = []
  for (const r of results) {
    const label = r.targetRate ? r.scenario : `${r.scenario}, ${r.connections} conn`
    figures.push(
      { name: `${label}: requests/s`, value: r.requestsPerSecond, unit: 'req/s' },
      {
        name: `${label}: p50 / p99`,
        value: r.latencyMs.p50,
        unit: `ms / ${r.latencyMs.p99} ms`,
        ...(r === fixed ? { target: 'p99 <= 25 ms' } : {}),
        note: `CPU ms per request: api ${r.cpuMsPerRequest.api ?? '?'}, postgres ${r.cpuMsPerRequest.postgres ?? '?'}; cores: api ${r.cpuCores.api ?? '?'}, postgres ${r.cpuCores.postgres ?? '?'}, autocannon ${r.cpuCores.loadGenerator}, other processes ${othersCores(r)}; load ${r.loadAverage.before} → ${r.loadAverage.after}${r.startLagMs ? `; client start lag p99 ${r.startLagMs.p99} ms` : ''}${r.non2xx + r.errors ? `; ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`,
      },
    )
  }
  for (const p of plans) {
    figures.push({
      name: `EXPLAIN ANALYZE findings ${p.label}`,
      value: p.executionMs,
      unit: 'ms',
      note: `${p.rowsScanned.toLocaleString('en-US')} rows read; ${p.plan}`,
    })
  }
  if (load) {
    figures.push(
      {
        name: 'load: sweeps, accounts, verdicts (setup)',
        value: Math.round(load.sweepsMs) / 1000,
        unit: 's',
      },
      {
        name: `load: ${load.findings.toLocaleString('en-US')} findings (setup)`,
        value: Math.round(load.findingsMs) / 1000,
        unit: 's',
        note: `findings table and indexes ${(load.tableBytes / 2 ** 20).toFixed(0)} MiB`,
      },
      { name: 'load: VACUUM ANALYZE (setup)', value: Math.round(load.analyzeMs) / 1000, unit: 's' },
    )
  }
  console.log()
  printTable(figures)
  const file = writeResults('api', figures, {
    options: {
      findings: FINDINGS,
      accounts: ACCOUNTS,
      duration: DURATION,
      connections: CONNECTIONS,
      rates: RATES,
      logLevel: args['log-level'],
      only: args.only ?? null,
    },
    runs: results,
    plans,
    load,
  })
  console.log(`\nresults: ${file}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
