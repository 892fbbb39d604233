/**
 * Rule catalogue benchmark: time to evaluate every rule on one synthetic account with 500 roles
 * and 200 users (groups, customer and inline policies with conditions and variables, boundaries,
 * trust policies of every kind, a credential report), judged through the demo organization's
 * payments-prod SCP chain. Run with `npx tsx bench/rules.ts`; single-threaded.
 */

import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { buildOrgTree } from '../src/org/tree.js'
import { loadIamCatalog } from '../src/policy/index.js'
import { evaluateAccount, type RuleContext, scpChainFor } from '../src/rules/index.js'
import { readSnapshotFileSync } from '../src/sources/snapshot-source.js'
import { type Figure, printTable, writeResults } from './lib/eval-report.js'
import { ACCOUNT, NOW, syntheticAccount } from './lib/rules-synthetic-account.js'

const ROLES = Number(process.env.BENCH_ROLES ?? 500)
const USERS = Number(process.env.BENCH_USERS ?? 200)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

async function main(): Promise<void> {
  const tLoad = performance.now()
  const iamCatalog = await loadIamCatalog()
  const loadMs = performance.now() - tLoad
  const demo = readSnapshotFileSync(fileURLToPath(new URL('../examples/demo-org.json', import.meta.url)))
  const tree = buildOrgTree(demo.organization)
  const ctx: RuleContext = {
    accountId: ACCOUNT,
    now: NOW,
    organizationAccountIds: new Set([...demo.organization.accounts.map((a) => a.id), ACCOUNT]),
    orgId: demo.organization.organization.id,
    managementAccountId: demo.organization.organization.managementAccountId,
    iamCatalog,
    allowedRegions: ['eu-west-1', 'eu-central-1'],
    scpChain: scpChainFor(tree, '415629873054'),
  }

  // Cold: a fresh state (nothing cached for it); the policy compile caches are per process.
  const tCold = performance.now()
  const first = evaluateAccount(syntheticAccount(ROLES, USERS), ctx)
  const coldMs = performance.now() - tCold
  const times: number[] = []
  const perRule: Record<string, number> = {}
  for (let run = 0; run < RUNS; run++) {
    const result = evaluateAccount(syntheticAccount(ROLES, USERS), ctx)
    times.push(result.durationMs)
    for (const [id, ms] of Object.entries(result.ruleDurationsMs))
      perRule[id] = (perRule[id] ?? 0) + ms / RUNS
  }
  times.sort((a, b) => a - b)
  const slowest = Object.entries(perRule)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
  const byRule: Record<string, number> = {}
  for (const f of first.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1

  const figures: Figure[] = [
    {
      name: `rules per account, ${ROLES} roles + ${USERS} users (median)`,
      value: percentile(times, 0.5),
      unit: 'ms',
      target: '<= 1,000',
      note: `${RUNS} runs, fresh state each`,
    },
    {
      name: 'rules per account (fastest run)',
      value: times[0],
      unit: 'ms',
      note: 'least disturbed by other load',
    },
    { name: 'rules per account (p95)', value: percentile(times, 0.95), unit: 'ms' },
    {
      name: 'rules per account (first, cold caches)',
      value: coldMs,
      unit: 'ms',
      note: 'compiles every policy',
    },
    ...slowest.map(([id, ms]) => ({ name: `  of which ${id}`, value: ms, unit: 'ms', note: 'mean' })),
    { name: 'findings on the synthetic account', value: first.findings.length, unit: 'findings' },
    { name: 'iam-data catalog load (once per process)', value: loadMs, unit: 'ms' },
  ]
  printTable(figures)
  const file = writeResults('rules', figures, {
    roles: ROLES,
    users: USERS,
    runs: RUNS,
    loadAverage1m: loadavg()[0],
    runTimesMs: times.map((t) => Math.round(t * 10) / 10),
    findingsByRule: byRule,
    unknown: first.unknown.length,
    perRuleMeanMs: perRule,
  })
  console.log(`\nwritten ${file}`)
}

await main()
