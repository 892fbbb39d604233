// `npm run bench -- <name> [options]`: runs bench/<name>.ts with the real Redis and PostgreSQL it
// may need (started privately when absent, as for the tests). Benchmarks print a table and
// write JSON to bench/results/. They are measurements, never pass/fail tests.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { startPostgres, startRedis } from './services.mjs'

const [name, ...args] = process.argv.slice(2)
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
if (!name || !existsSync(`bench/${name}.ts`)) {
  console.error(`usage: npm run bench -- <name> [options]\navailable: ${available.join(', ')}`)
  process.exit(name ? 1 : 0)
}
// Pure benchmarks (the policy evaluator, rules) need no servers.
const needsServers = !['eval', 'rules'].includes(name)
const services = needsServers ? await Promise.all([startRedis(), startPostgres()]) : []
const env = { ...process.env }
if (needsServers) Object.assign(env, { REDIS_URL: services[0].url, TEST_DATABASE_URL: services[1].url })
const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...args], {
  stdio: 'inherit',
  env,
})
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
await Promise.allSettled(services.map((s) => s.stop()))
process.exit(code)
