import type { Services } from '../src/runtime/services.js'

/**
 * `npm run demo`: with the all-in-one service up, sweep the bundled demo organization through
 * the public API, print what happened and where to look, and leave the service running.
 */
export async function runDemo(services: Services, address: string): Promise<void> {
  const { store } = services
  for (const t of await store.tokens.list())
    if (t.name === 'demo' && !t.revoked_at) await store.tokens.revoke(t.id)
  const { token } = await store.tokens.create('demo', 'write')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const res = await fetch(`${address}/v1/sweeps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ source: { type: 'snapshot', name: 'demo-org' } }),
  })
  if (res.status !== 202) throw new Error(`starting the demo sweep failed: ${res.status} ${await res.text()}`)
  const location = res.headers.get('location')!
  let sweep = (await res.json()) as { status: string; progress: { total: number }; problems?: unknown[] }
  const deadline = Date.now() + 120_000
  while (!['completed', 'failed', 'cancelled'].includes(sweep.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
    sweep = (await (await fetch(`${address}${location}`, { headers })).json()) as typeof sweep
  }
  const s = sweep as unknown as {
    status: string
    progress: { total: number; byStatus: Record<string, number> }
    timings: { durationMs: number | null }
    problems: Array<{ accountId: string; accountName: string; status: string; reason: string }>
  }
  const { open } = (await (await fetch(`${address}/v1/summary`, { headers })).json()) as {
    open: Record<string, number> & { total: number }
  }
  const bySeverity = Object.entries(open)
    .filter(([severity, n]) => severity !== 'total' && n > 0)
    .map(([severity, n]) => `${n} ${severity}`)
  const lines = [
    '',
    `Demo sweep ${s.status}: ${s.progress.byStatus.collected} of ${s.progress.total} accounts collected in ${s.timings.durationMs ?? '?'} ms.`,
    ...s.problems.map((p) => `  ${p.accountId} (${p.accountName}) ${p.status}: ${p.reason}`),
    `  Open findings: ${open.total} (${bySeverity.join(', ') || 'none'})`,
    `  Findings:  ${address}/v1/findings    Guardrails: ${address}/v1/guardrails`,
    '',
    `  Sweep:     ${address}${location}`,
    `  API docs:  ${address}/docs`,
    `  Demo token (scope write, shown once): ${token}`,
    `  Try:       curl -H "Authorization: Bearer $TOKEN" ${address}${location}`,
    '',
    'The service keeps running; stop it with Ctrl-C.',
    '',
  ]
  process.stdout.write(lines.join('\n'))
}
