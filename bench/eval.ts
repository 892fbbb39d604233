/**
 * Policy engine benchmark: evaluations per second on a realistic mix (three-level SCP chains,
 * identity policies with conditions and variables, boundaries), and the time to judge every
 * guardrail for 1,000 accounts. Run with `npx tsx bench/eval.ts`; single-threaded, so the
 * evaluation rate is per core.
 */

import { buildGuardrailCatalog, judgeAccountGuardrails, loadIamCatalog } from '../src/policy/index.js'
import { type Figure, printTable, writeResults } from './lib/eval-report.js'
import { guardrailOrg } from './lib/guardrail-matrix-org.js'
import { measureEvaluations } from './lib/policy-eval-workload.js'

const EVAL_SECONDS = Number(process.env.BENCH_EVAL_SECONDS ?? 3)
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000)

async function main(): Promise<void> {
  const tLoad = performance.now()
  const iam = await loadIamCatalog()
  const loadMs = performance.now() - tLoad
  const tBuild = performance.now()
  const catalog = buildGuardrailCatalog(iam)
  const buildMs = performance.now() - tBuild

  const evals = measureEvaluations(EVAL_SECONDS)

  const org = guardrailOrg(ACCOUNTS)
  const verdicts: Record<string, number> = {}
  const tCold = performance.now()
  for (const account of org) {
    for (const r of judgeAccountGuardrails(account, catalog).results)
      verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1
  }
  const coldMs = performance.now() - tCold
  const tWarm = performance.now()
  for (const account of org) judgeAccountGuardrails(account, catalog)
  const warmMs = performance.now() - tWarm
  const regions = catalog.regions.length
  const probesPerAccount = catalog.regional.probes.length * (regions - 2)

  const figures: Figure[] = [
    {
      name: 'evaluations per second (1 core)',
      value: Math.round(evals.perSecond),
      unit: 'eval/s',
      target: '>= 100,000',
    },
    {
      name: 'time per evaluation',
      value: evals.microseconds,
      unit: 'µs',
      target: '<= 100 (10x the 1 ms reference)',
    },
    {
      name: 'first pass over 20,000 requests',
      value: evals.firstPassMs,
      unit: 'ms',
      note: 'includes compiling every policy',
    },
    {
      name: `guardrail matrix, ${ACCOUNTS} accounts (cold)`,
      value: coldMs,
      unit: 'ms',
      target: '<= 5,000',
      note: 'parse, compile, classes, probes',
    },
    {
      name: `guardrail matrix, ${ACCOUNTS} accounts (warm)`,
      value: warmMs,
      unit: 'ms',
      note: 'same org judged again',
    },
    {
      name: 'region-allowlist probes per account',
      value: probesPerAccount,
      unit: 'probes',
      note: `${catalog.regional.probes.length} services x ${regions - 2} regions`,
    },
    { name: 'iam-data catalog load (once per process)', value: loadMs, unit: 'ms' },
    { name: 'guardrail catalog build (once per process)', value: buildMs, unit: 'ms' },
  ]
  printTable(figures)
  const file = writeResults('eval', figures, { decisions: evals.decisions, verdicts, accounts: ACCOUNTS })
  console.log(`\nwritten ${file}`)
}

await main()
