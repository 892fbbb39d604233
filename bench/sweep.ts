/**
 * Sweep benchmark: a full sweep of a synthetic organization through the real pipeline
 * (API → BullMQ → workers → PostgreSQL), with the AWS SDK talking to the simulated AWS
 * (bench/sim-aws) over HTTP with per-call latency and AWS-style throttling.
 *
 *   npm run bench -- sweep --accounts 1000 --users 50 --roles 200 --policies 100 --latency 50
 *
 * Options: --accounts --users --roles --policies --latency (ms per call) --concurrency (accounts
 * in flight per worker, default 16) --workers (worker processes, default 2: one per core here) --seed --misconfig (share, 0–1)
 * --ou-depth --ou-branching --throttle-share (share of calls throttled at random)
 * --regions (comma list) --cpu-prof (V8 profiles of the API and workers, into a directory under the OS temp dir)
 * --scope (collect only the first N accounts: the organization is still read whole, which is
 * how the organization read of a very large organization is measured without its account phase)
 * --sweeps (sweeps run one after another by the same processes, default 1: the first meets fresh
 * processes and an empty store, later ones warm processes and the store the sweep before left)
 * --source (run the service from its TypeScript sources through tsx instead of the compiled
 * build, which the benchmark makes first with `npm run build`, as the Docker image runs it)
 * --keep (keep the database) --node-flags="…" (extra Node/V8 flags for the workers, e.g.
 * --node-flags=--interrupt-budget=270336; to compare flags, run two benchmarks side by side, see
 * the README).
 *
 * Prints a table and writes JSON to bench/results/. Needs REDIS_URL and TEST_DATABASE_URL
 * (scripts/bench.mjs provides both).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import os, { cpus } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { type Figure, printTable, writeResults } from './lib/eval-report.js'
import { measureEvaluations } from './lib/policy-eval-workload.js'
import { startPostgresCpu } from './lib/postgres-cpu.js'
import { startRedisCpu } from './lib/redis-cpu.js'
import {
  buildService,
  freePort,
  type ServiceProcess,
  startProcess,
  waitForHealth,
} from './lib/sweep-processes.js'
import { startSimAws } from './sim-aws/server.js'

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100' },
    users: { type: 'string', default: '50' },
    roles: { type: 'string', default: '200' },
    policies: { type: 'string', default: '100' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    misconfig: { type: 'string', default: '0.1' },
    'ou-depth': { type: 'string', default: '3' },
    'ou-branching': { type: 'string', default: '3' },
    'throttle-share': { type: 'string', default: '0' },
    regions: { type: 'string', default: 'us-east-1,eu-west-1' },
    'cpu-prof': { type: 'boolean', default: false },
    scope: { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    source: { type: 'boolean', default: false },
    sweeps: { type: 'string', default: '1' },
  },
})
const n = (name: keyof typeof args) => Number(args[name])
const ACCOUNTS = n('accounts')
const REGIONS = String(args.regions).split(',')
const SWEEPS = Math.max(1, n('sweeps'))

/** The first sweep meets fresh processes and an empty store; later ones, what the one before left. */
function roundKind(round: number): string {
  return round === 1
    ? 'fresh processes, empty store'
    : 'the same processes, the store and account tags as the sweep before left them'
}

const redisUrl = process.env.REDIS_URL
const adminUrl = process.env.TEST_DATABASE_URL
if (!redisUrl || !adminUrl) {
  console.error('REDIS_URL and TEST_DATABASE_URL are needed: run `npm run bench -- sweep`')
  process.exit(1)
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ow_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl as string)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

interface SweepView {
  id: string
  status: string
  progress: { total: number; done: number; byStatus: Record<string, number> }
  timings?: { orgReadAt: string | null }
}

interface CallStats {
  calls: Record<string, number>
  totalCalls: number
  retries: number
  throttled: number
  errors: Record<string, number>
  responseBytes: number
  durationMs: number
}

/**
 * Busy, stolen and total jiffies of the whole machine (/proc/stat), to tell CPU-bound from
 * waiting. Steal is time the hypervisor ran someone else while this VM wanted to run: counted as
 * busy, but no process here got it.
 */
interface MachineCpu {
  busy: number
  steal: number
  total: number
}

function machineCpu(): MachineCpu {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
  const v = fields.map(Number)
  const idle = v[3] + (v[4] ?? 0)
  // guest and guest_nice (the last two) are already counted in user and nice.
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: total - idle, steal: v[7] ?? 0, total }
}

interface SweepRun {
  sim: Awaited<ReturnType<typeof startSimAws>>
  url: string
  headers: Record<string, string>
  processes: readonly ServiceProcess[]
  databaseUrl: string
  /** The machine speed check's evaluations per second, measured before the first sweep. */
  speed: number
}

/** One sweep through the running processes: POST, wait for the end, then the figures. */
async function measureSweep(
  run: SweepRun,
  round: number,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { sim, url, headers, processes, speed } = run
  if (SWEEPS > 1) console.log(`\n== sweep ${round} of ${SWEEPS}: ${roundKind(round)}`)
  // The sweep before's last writes settle first. Its tag refresh, if any tags are still stale,
  // goes on beside this sweep, as it would in production.
  if (round > 1) await new Promise((r) => setTimeout(r, 3_000))
  const cpu0 = processes.map((p) => p.usage().cpuSeconds)
  const simCpu0 = process.cpuUsage()
  const machine0 = machineCpu()
  const postgresCpu = await startPostgresCpu(adminUrl as string, new URL(run.databaseUrl).pathname.slice(1))
  const redisCpu = await startRedisCpu(redisUrl as string)
  const loadBefore = os.loadavg()[0]
  sim.resetStats()

  const t0 = performance.now()
  const created = await fetch(`${url}/v1/sweeps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      source: { type: 'aws' },
      ...(n('scope') > 0
        ? { scope: { accountIds: sim.org.accounts.slice(0, n('scope')).map((a) => a.id) } }
        : {}),
    }),
  })
  if (created.status !== 202) throw new Error(`POST /v1/sweeps: ${created.status} ${await created.text()}`)
  const { id } = (await created.json()) as { id: string }
  let sweep: SweepView
  let lastLog = 0
  // The machine's CPU when the poll first sees the organization read done (within 250 ms).
  let machineAtRead: MachineCpu | undefined
  for (;;) {
    const res = await fetch(`${url}/v1/sweeps/${id}`, { headers })
    sweep = (await res.json()) as SweepView
    if (!machineAtRead && sweep.timings?.orgReadAt) machineAtRead = machineCpu()
    if (['completed', 'failed', 'cancelled'].includes(sweep.status)) break
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now()
      const s = ((performance.now() - t0) / 1000).toFixed(0)
      console.error(
        `  ${s} s: ${sweep.status}, ${sweep.progress?.done ?? 0}/${sweep.progress?.total ?? '?'} accounts`,
      )
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  const wallMs = performance.now() - t0
  const simCpu = process.cpuUsage(simCpu0)
  const machine1 = machineCpu()
  const postgres = await postgresCpu()
  const redisSeconds = redisCpu()
  const share = (a: MachineCpu, b: MachineCpu, of: 'busy' | 'steal') =>
    (b[of] - a[of]) / Math.max(1, b.total - a.total)
  const busyBetween = (a: MachineCpu, b: MachineCpu) => share(a, b, 'busy')
  const machineBusy = busyBetween(machine0, machine1)
  const machineSteal = share(machine0, machine1, 'steal')
  const busyDuringRead = machineAtRead ? busyBetween(machine0, machineAtRead) : undefined
  const busyAfterRead = machineAtRead ? busyBetween(machineAtRead, machine1) : undefined
  const usage = processes.map((p, i) => {
    const u = p.usage()
    return { role: p.role, pid: p.pid, ...u, sweepCpuSeconds: u.cpuSeconds - cpu0[i] }
  })
  const simRssMb = process.resourceUsage().maxRSS / 1024

  const db = new pg.Client({ connectionString: run.databaseUrl })
  await db.connect()
  const timing = (
    await db.query(
      `SELECT extract(epoch FROM org_read_at - started_at) * 1000 AS org_ms,
            extract(epoch FROM finished_at - org_read_at) * 1000 AS accounts_ms,
            extract(epoch FROM started_at - created_at) * 1000 AS queue_ms,
            (SELECT count(*)::int FROM sweep_accounts a
              WHERE a.sweep_id = s.id AND a.started_at < s.org_read_at) AS started_during_read
       FROM sweeps s WHERE id = $1`,
      [id],
    )
  ).rows[0] as { org_ms: number; accounts_ms: number; queue_ms: number; started_during_read: number }
  const accountRows = (
    await db.query(
      `SELECT status, stats, extract(epoch FROM finished_at - started_at) * 1000 AS ms
       FROM sweep_accounts WHERE sweep_id = $1`,
      [id],
    )
  ).rows as Array<{ status: string; stats: { api?: CallStats } | null; ms: number }>
  const tables = (
    await db.query(
      `SELECT relname AS table, pg_total_relation_size(relid) AS bytes FROM pg_stat_user_tables ORDER BY relname`,
    )
  ).rows as Array<{ table: string; bytes: string }>
  const storage: Array<{ table: string; rows: number; bytes: number }> = []
  for (const t of tables) {
    const count = await db.query(`SELECT count(*)::int AS n FROM "${t.table}"`)
    storage.push({ table: t.table, rows: count.rows[0].n, bytes: Number(t.bytes) })
  }
  await db.end()

  // Per account: Orgwarden's own accounting (one per request; retries apart).
  const collected = accountRows.filter((r) => r.status === 'collected')
  const callsByOp: Record<string, number> = {}
  let retries = 0
  let throttled = 0
  let totalCalls = 0
  let responseBytes = 0
  for (const row of accountRows) {
    const api = row.stats?.api
    if (!api) continue
    for (const [op, k] of Object.entries(api.calls)) callsByOp[op] = (callsByOp[op] ?? 0) + k
    retries += api.retries
    throttled += api.throttled
    totalCalls += api.totalCalls
    responseBytes += api.responseBytes
  }
  const orgCalls = Object.entries(sim.stats.calls).filter(([op]) => op.startsWith('organizations:'))
  const orgThrottled = Object.entries(sim.stats.throttled)
    .filter(([op]) => op.startsWith('organizations:'))
    .reduce((s, [, k]) => s + k, 0)
  const perAccount = (k: number) => k / Math.max(1, collected.length)
  const accountMs = collected.map((r) => Number(r.ms)).sort((a, b) => a - b)
  const pct = (p: number) => accountMs[Math.min(accountMs.length - 1, Math.floor(p * accountMs.length))] ?? 0
  const totalRows = storage.reduce((s, t) => s + t.rows, 0)
  const totalBytes = storage.reduce((s, t) => s + t.bytes, 0)

  const figures: Figure[] = [
    { name: 'sweep status', value: sweep.status === 'completed' ? 1 : 0, unit: sweep.status },
    {
      name: 'accounts collected',
      value: collected.length,
      unit: `of ${sweep.progress.total} planned`,
      note: JSON.stringify(sweep.progress.byStatus),
    },
    {
      name: 'wall time (POST → completed)',
      value: wallMs / 1000,
      unit: 's',
      target: ACCOUNTS === 1000 ? '<= 60 s' : undefined,
    },
    { name: '  queue wait', value: Number(timing.queue_ms) / 1000, unit: 's' },
    {
      name: '  organization read',
      value: Number(timing.org_ms) / 1000,
      unit: 's',
      note: `${orgCalls.reduce((s, [, k]) => s + k, 0)} Organizations requests, ${orgThrottled} throttled`,
    },
    {
      name: '  after the organization read',
      value: Number(timing.accounts_ms) / 1000,
      unit: 's',
      note: `${timing.started_during_read} accounts started during the read`,
    },
    {
      name: 'accounts per second (whole sweep)',
      value: collected.length / (wallMs / 1000),
      unit: 'acct/s',
    },
    {
      name: 'account job p50 / p95',
      value: pct(0.5),
      unit: 'ms',
      note: `p95 ${pct(0.95).toFixed(0)} ms`,
    },
    {
      name: 'API calls per collected account',
      value: perAccount(totalCalls),
      unit: 'calls',
      note: 'Orgwarden accounting, pages counted',
    },
    {
      name: 'throttled answers (accounts)',
      value: throttled,
      unit: 'answers',
      note: `${retries} SDK retries`,
    },
    { name: 'AWS response bytes per account', value: perAccount(responseBytes) / 1024, unit: 'KiB' },
    ...usage.map((u) => ({
      name: `peak RSS ${u.role} (pid ${u.pid})`,
      value: u.peakRssMb,
      unit: 'MiB',
      target: '<= 1024 MiB',
      note: `${u.sweepCpuSeconds.toFixed(1)} s CPU in the sweep, ${u.cpuSeconds.toFixed(1)} s since its start`,
    })),
    {
      name: 'peak RSS bench + simulated AWS',
      value: simRssMb,
      unit: 'MiB',
      note: `${((simCpu.user + simCpu.system) / 1e6).toFixed(1)} s CPU in the sweep`,
    },
    ...(postgres !== undefined
      ? [
          {
            name: 'PostgreSQL CPU (server and backends)',
            value: postgres.server,
            unit: 's',
            note: `${((postgres.server * 1000) / Math.max(1, collected.length)).toFixed(0)} ms per collected account`,
          },
        ]
      : []),
    ...(postgres?.database !== undefined
      ? [
          {
            name: "  this database's backends",
            value: postgres.database,
            unit: 's',
            note: 'what compares when two benchmarks share the server side by side',
          },
        ]
      : []),
    ...(redisSeconds !== undefined
      ? [
          {
            name: 'Redis CPU',
            value: redisSeconds,
            unit: 's',
            note: 'the queue; shared with any other run on the same server',
          },
        ]
      : []),
    {
      name: 'machine CPU busy during the sweep',
      value: machineBusy * 100,
      unit: '%',
      note: `${cpus().length} cores; PostgreSQL and Redis included`,
    },
    ...(busyDuringRead !== undefined && busyAfterRead !== undefined
      ? [
          {
            name: '  during / after the organization read',
            value: busyDuringRead * 100,
            unit: '%',
            note: `after: ${(busyAfterRead * 100).toFixed(1)} %; idle during the read means the workers outran the accounts it listed`,
          },
        ]
      : []),
    {
      name: '  of it stolen by the host',
      value: machineSteal * 100,
      unit: '%',
      note: 'VM steal: the hypervisor ran others while this machine wanted the cores',
    },
    {
      name: 'load average (1 min) before / after',
      value: loadBefore,
      unit: '',
      note: `after ${os.loadavg()[0].toFixed(2)}; above ~1 means other work shared the machine`,
    },
    {
      name: 'machine speed check (1 core, before the sweep)',
      value: Math.round(speed),
      unit: 'eval/s',
      note: 'the eval benchmark mix for 2 s; compare sweeps only at similar speeds',
    },
    { name: 'rows written', value: totalRows, unit: 'rows' },
    {
      name: 'bytes written (relations incl. indexes, TOAST)',
      value: totalBytes / 1024 / 1024,
      unit: 'MiB',
    },
  ]
  printTable(figures)
  console.log('\nAPI calls per collected account, by operation (Orgwarden accounting):')
  for (const [op, k] of Object.entries(callsByOp).sort())
    console.log(`  ${op.padEnd(46)} ${perAccount(k).toFixed(2)}`)
  console.log('\nOrganizations requests for the whole organization (simulated AWS, attempts):')
  for (const [op, k] of orgCalls.sort()) console.log(`  ${op.padEnd(46)} ${k}`)
  console.log('\nStorage:')
  for (const t of storage.filter((s) => s.rows > 0))
    console.log(
      `  ${t.table.padEnd(24)} ${String(t.rows).padStart(9)} rows ${(t.bytes / 1024 / 1024).toFixed(1).padStart(9)} MiB`,
    )
  return {
    figures,
    details: {
      round,
      kind: roundKind(round),
      sweep: { id, status: sweep.status, progress: sweep.progress, wallMs, ...timing },
      callsPerAccountByOperation: Object.fromEntries(
        Object.entries(callsByOp).map(([op, k]) => [op, perAccount(k)]),
      ),
      organizationRequests: Object.fromEntries(orgCalls),
      simulatedAws: sim.stats,
      processes: usage,
      storage,
    },
  }
}

async function main(): Promise<void> {
  // This machine's single-core speed has varied by a third from one evening to the next; the
  // sweep is CPU-bound, so its time is only comparable between runs at similar speeds.
  const speed = measureEvaluations(2).perSecond
  const code = args.source ? 'source' : 'build'
  if (code === 'build') buildService()
  const sim = await startSimAws({
    seed: n('seed'),
    accounts: ACCOUNTS,
    users: n('users'),
    roles: n('roles'),
    policies: n('policies'),
    misconfig: n('misconfig'),
    ouDepth: n('ou-depth'),
    ouBranching: n('ou-branching'),
    regions: REGIONS,
    latencyMs: n('latency'),
    throttleShare: n('throttle-share'),
  })
  const database = await createDatabase()
  const token = randomBytes(24).toString('hex')
  const port = await freePort()
  const cpuProfDir = args['cpu-prof']
    ? path.join(os.tmpdir(), `orgwarden-sweep-prof-${Date.now()}`)
    : undefined
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true })
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl as string,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ORGWARDEN_ADMIN_TOKEN: token,
    ORGWARDEN_QUEUE_PREFIX: `owbench${randomBytes(4).toString('hex')}`,
    ORGWARDEN_ALLOWED_REGIONS: REGIONS.join(','),
    ORGWARDEN_ACCOUNT_CONCURRENCY: String(n('concurrency')),
    ORGWARDEN_RATE_LIMIT_PER_MINUTE: '100000',
    AWS_REGION: REGIONS[0],
    AWS_ENDPOINT_URL: sim.url,
    AWS_ACCESS_KEY_ID: 'AKIASIMULATEDBENCH01',
    AWS_SECRET_ACCESS_KEY: 'simulatedBenchSecret0123456789abcdefghijk',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  }
  const processes: ServiceProcess[] = []
  const url = `http://127.0.0.1:${port}`
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  try {
    processes.push(startProcess('api', env, { code, cpuProfDir }))
    await waitForHealth(url)
    const nodeFlags = String(args['node-flags']).split(/\s+/).filter(Boolean)
    for (let w = 0; w < n('workers'); w++)
      processes.push(startProcess('worker', env, { code, cpuProfDir, nodeFlags }))
    // Let the workers connect and load their catalogues before the clock starts.
    await new Promise((r) => setTimeout(r, 3_000))
    const rounds: Array<{ figures: Figure[]; details: Record<string, unknown> }> = []
    const run = { sim, url, headers, processes, databaseUrl: database.url, speed }
    for (let round = 1; round <= SWEEPS; round++) rounds.push(await measureSweep(run, round))
    const file = writeResults(`sweep-${ACCOUNTS}`, rounds[0].figures, {
      options: args,
      ...rounds[0].details,
      ...(SWEEPS > 1 ? { sweeps: rounds } : {}),
    })
    console.log(`\nwrote ${file}`)
    if (cpuProfDir) console.log(`CPU profiles (written when the processes exit): ${cpuProfDir}`)
  } finally {
    for (const p of processes.reverse()) await p.stop()
    await sim.close()
    if (!args.keep) await database.drop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
