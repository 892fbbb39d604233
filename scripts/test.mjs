// `npm test`: start (or reuse) real Redis and PostgreSQL, then run every test/**/*.test.ts with
// node:test through tsx. Arguments narrow the run: `npm test -- test/store`.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { startPostgres, startRedis } from './services.mjs'

function testFiles(targets) {
  const out = []
  for (const t of targets) {
    if (statSync(t).isFile()) out.push(t)
    else
      for (const f of readdirSync(t, { recursive: true }))
        if (String(f).endsWith('.test.ts')) out.push(path.join(t, String(f)))
  }
  return out.sort()
}

const files = testFiles(process.argv.slice(2).length ? process.argv.slice(2) : ['test'])
const started = Date.now()
const [redis, pg] = await Promise.all([startRedis(), startPostgres()])
console.error(`test services: redis ${redis.url}, postgres ${pg.url.replace(/:[^:@/]*@/, ':***@')}`)

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=120000',
    ...files,
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, REDIS_URL: redis.url, TEST_DATABASE_URL: pg.url, LOG_LEVEL: 'silent' },
  },
)
// A watchdog far above the normal run (about 2 minutes), far below CI's 90-minute limit.
const watchdog = setTimeout(() => {
  console.error('npm test: still running after 30 minutes; stopping it')
  child.kill('SIGKILL')
}, 30 * 60_000)
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))))
clearTimeout(watchdog)
await Promise.allSettled([redis.stop(), pg.stop()])
console.error(
  `npm test: ${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${code}`,
)
process.exit(code)
