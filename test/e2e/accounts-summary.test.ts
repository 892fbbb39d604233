import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { CSV_COLUMNS, findingsCsv } from '../../src/api/routes/findings/csv.js'
import { createSourceResolver } from '../../src/sources/resolver.js'
import type { FindingSummaryRow } from '../../src/store/findings-repo.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'
import { beforeAndFixed } from '../helpers/demo-variants.js'

const MANAGEMENT = '210987654321'
const DEV = '415629873065' // planted "no password policy"; fixed in the `fixed` variant
const SANDBOX = '415629873076' // unreachable: audit role missing
const NETWORK = '526730984187' // planted root access key
const LEDGER = '415629873087' // the clean account: collected, no finding
const SUSPENDED = '637841095298'
const WORKLOADS = 'ou-ac3e-work3m8z'

type Json = Record<string, any>

describe('accounts, summary, sweep diff and CSV export', () => {
  let ctx: TestContext
  const sweeps: string[] = [] // before, fixed, before again
  let passwordId: string

  const get = async (url: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'GET', url, headers: { ...ctx.auth('read'), ...headers } })
  const ok = async (url: string): Promise<Json> => {
    const res = await get(url)
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
    return res.json()
  }
  const all = async (url: string): Promise<Json[]> => {
    const items: Json[] = []
    let cursor: string | null = null
    do {
      const sep = url.includes('?') ? '&' : '?'
      const body: Json = await ok(`${url}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`)
      items.push(...body.items)
      cursor = body.nextCursor
    } while (cursor)
    return items
  }
  const bySeverity = (findings: Json[]) => {
    const c: Json = { critical: 0, high: 0, medium: 0, low: 0, info: 0, total: findings.length }
    for (const f of findings) c[f.severity]++
    return c
  }
  const badRequest = async (url: string, field: string) => {
    const res = await get(url)
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
    assert.ok(
      res.json().errors.some((e: { field: string }) => e.field === field),
      `${url} should name ${field}: ${res.body}`,
    )
  }

  before(async () => {
    ctx = await createTestContext({
      store: 'postgres',
      sources: createSourceResolver({ snapshotDir: await beforeAndFixed() }),
    })
    for (const name of ['before', 'fixed', 'before']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: ctx.auth(),
        payload: { source: { type: 'snapshot', name } },
      })
      assert.equal(res.statusCode, 202, res.body)
      const s = await waitForSweep(ctx, res.json().id)
      assert.equal(s.status, 'completed')
      sweeps.push(s.id)
    }
    const pw = await ok(`/v1/findings?accountId=${DEV}&ruleId=password-policy.missing`)
    assert.equal(pw.items.length, 1)
    passwordId = pw.items[0].id
  })
  after(() => ctx?.close())

  test('GET /v1/accounts lists every account with outcome and open findings matching /v1/findings', async () => {
    const body = await ok('/v1/accounts?limit=500')
    assert.equal(body.sweepId, sweeps[2])
    assert.equal(body.organizationId, 'o-acme4k2p9x')
    assert.equal(body.nextCursor, null)
    const items: Json[] = body.items
    assert.equal(items.length, 9)
    assert.deepEqual(
      items.map((a) => a.accountId),
      [...items.map((a) => a.accountId)].sort(),
    )
    assert.equal(items.filter((a) => a.lastSweep.outcome !== 'not-swept').length, 8)

    const suspended = items.find((a) => a.accountId === SUSPENDED)!
    assert.equal(suspended.status, 'SUSPENDED')
    assert.equal(suspended.lastSweep.outcome, 'not-swept')
    const sandbox = items.find((a) => a.accountId === SANDBOX)!
    assert.equal(sandbox.lastSweep.outcome, 'unreachable')
    assert.match(sandbox.lastSweep.reason, /OrgwardenAudit/)
    assert.equal(items.filter((a) => a.lastSweep.outcome === 'collected').length, 7)
    const ledger = items.find((a) => a.accountId === LEDGER)!
    assert.equal(ledger.lastSweep.outcome, 'collected')
    assert.equal(ledger.openFindings.total, 0)

    const prod = items.find((a) => a.name === 'payments-prod')!
    assert.equal(prod.email, 'aws+payments-prod@acme.example')
    assert.deepEqual(prod.tags, { env: 'prod', 'cost-center': 'payments' })
    assert.equal(prod.ouId, 'ou-ac3e-prod9x2c')
    assert.equal(prod.ouPath, 'o-acme4k2p9x/r-ac3e/ou-ac3e-work3m8z/ou-ac3e-prod9x2c/')

    let withFindings = 0
    for (const a of items) {
      const open = await all(`/v1/findings?accountId=${a.accountId}&status=open`)
      assert.deepEqual(a.openFindings, bySeverity(open), a.name)
      if (open.length > 0) withFindings++
    }
    assert.ok(withFindings >= 3, 'the demo plants findings in several accounts')
    assert.ok(items.find((a) => a.accountId === NETWORK)!.openFindings.critical >= 1)
  })

  test('filters: OU with descendants, status, outcome, hasFindings and minSeverity', async () => {
    const ids = async (qs: string) => (await all(`/v1/accounts?${qs}`)).map((a) => a.accountId)
    const everyone = await all('/v1/accounts')
    assert.deepEqual(await ids(`ouId=${WORKLOADS}`), ['415629873054', DEV, SANDBOX, LEDGER])
    assert.deepEqual(
      await ids('ouId=r-ac3e'),
      everyone.map((a) => a.accountId),
    )
    assert.deepEqual(await ids('status=SUSPENDED'), [SUSPENDED])
    assert.deepEqual(await ids('outcome=unreachable'), [SANDBOX])
    assert.deepEqual(await ids('outcome=not-swept'), [SUSPENDED])

    const withOpen = everyone.filter((a) => a.openFindings.total > 0).map((a) => a.accountId)
    const withoutOpen = everyone.filter((a) => a.openFindings.total === 0).map((a) => a.accountId)
    assert.ok(withOpen.length > 0 && withoutOpen.includes(SUSPENDED) && withoutOpen.includes(SANDBOX))
    assert.ok(withoutOpen.includes(LEDGER), 'the clean account has no open finding')
    assert.deepEqual(await ids('hasFindings=true'), withOpen)
    assert.deepEqual(await ids('hasFindings=false'), withoutOpen)
    const critical = everyone.filter((a) => a.openFindings.critical > 0).map((a) => a.accountId)
    assert.ok(critical.includes(NETWORK))
    assert.deepEqual(await ids('minSeverity=critical'), critical)
    const highPlus = everyone
      .filter((a) => a.openFindings.critical + a.openFindings.high > 0)
      .map((a) => a.accountId)
    assert.deepEqual(await ids('minSeverity=high'), highPlus)
    assert.deepEqual(
      await ids('hasFindings=false&minSeverity=critical'),
      everyone.map((a) => a.accountId).filter((id) => !critical.includes(id)),
    )
  })

  test('cursor pagination by account id walks every account once', async () => {
    const everyone = (await ok('/v1/accounts?limit=500')).items.map((a: Json) => a.accountId)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const body: Json = await ok(`/v1/accounts?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      assert.ok(body.items.length <= 3)
      seen.push(...body.items.map((a: Json) => a.accountId))
      cursor = body.nextCursor
      pages++
    } while (cursor)
    assert.equal(pages, 3)
    assert.deepEqual(seen, everyone)
  })

  test('GET /v1/accounts/:accountId adds guardrail verdict counts and links', async () => {
    const body = await ok(`/v1/accounts/${NETWORK}`)
    const listed = (await ok('/v1/accounts?limit=500')).items.find((a: Json) => a.accountId === NETWORK)
    assert.deepEqual(body.account, listed)
    assert.equal(body.sweepId, sweeps[2])
    const verdicts = (await ok(`/v1/accounts/${NETWORK}/guardrails`)).results as Json[]
    assert.ok(verdicts.length > 0)
    for (const v of ['enforced', 'not-enforced', 'exempted', 'not-applicable']) {
      assert.equal(body.guardrails[v], verdicts.filter((r) => r.verdict === v).length, v)
    }
    assert.equal(body.links.findings, `/v1/findings?accountId=${NETWORK}`)
    assert.equal(body.links.guardrails, `/v1/accounts/${NETWORK}/guardrails?sweepId=${sweeps[2]}`)
    assert.equal((await ok(body.links.findings)).items[0].accountId, NETWORK)

    const older = await ok(`/v1/accounts/${MANAGEMENT}?sweepId=${sweeps[0]}`)
    assert.equal(older.sweepId, sweeps[0])
    assert.equal(older.account.ouId, 'r-ac3e')
    assert.equal(older.account.lastSweep.sweepId, sweeps[0])
  })

  test('unknown accounts and sweeps are 404; bad parameters are 400 naming the field', async () => {
    assert.equal((await get('/v1/accounts/999999999999')).statusCode, 404)
    assert.equal((await get(`/v1/accounts?sweepId=${randomUUID()}`)).statusCode, 404)
    assert.equal((await get(`/v1/accounts/${NETWORK}?sweepId=${randomUUID()}`)).statusCode, 404)
    await badRequest('/v1/accounts/12', 'params.accountId')
    await badRequest('/v1/accounts?ouId=ou-ac3e-zzzz9999', 'querystring.ouId')
    await badRequest('/v1/accounts?ouId=banana', 'querystring.ouId')
    await badRequest('/v1/accounts?minSeverity=urgent', 'querystring.minSeverity')
    await badRequest('/v1/accounts?hasFindings=maybe', 'querystring.hasFindings')
    await badRequest('/v1/accounts?status=GONE', 'querystring.status')
    await badRequest('/v1/accounts?limit=0', 'querystring.limit')
    await badRequest('/v1/accounts?color=red', 'querystring.color')
    await badRequest('/v1/accounts?cursor=not-a-cursor', 'cursor')
    await badRequest('/v1/accounts?sweepId=nope', 'querystring.sweepId')
  })

  test('GET /v1/summary counts agree with /v1/findings; the trend replays the three sweeps', async () => {
    const body = await ok('/v1/summary')
    const open = await all('/v1/findings?status=open')
    assert.ok(open.length > 0)
    assert.deepEqual(body.open, bySeverity(open))
    assert.equal(body.sweepId, sweeps[2])

    const byRule = new Map<string, number>()
    for (const f of open) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1)
    assert.deepEqual(new Map(body.byRule.map((r: Json) => [r.ruleId, r.open])), byRule)
    assert.ok(body.byRule.every((r: Json, i: number) => i === 0 || body.byRule[i - 1].open >= r.open))

    const ou = (id: string) => body.byOu.find((o: Json) => o.ouId === id)
    assert.deepEqual(
      body.byOu.map((o: Json) => o.ouId).sort(),
      ['ou-ac3e-infr2h5n', 'ou-ac3e-secu7k1q', 'ou-ac3e-susp8r3d', WORKLOADS, 'r-ac3e'].sort(),
    )
    assert.equal(ou(WORKLOADS).name, 'Workloads')
    assert.deepEqual(ou(WORKLOADS).open, bySeverity(await all(`/v1/findings?status=open&ouId=${WORKLOADS}`)))
    assert.deepEqual(ou('r-ac3e').open, bySeverity(open.filter((f) => f.accountId === MANAGEMENT)))
    assert.equal(
      body.byOu.reduce((n: number, o: Json) => n + o.open.total, 0),
      open.length,
    )

    const trend: Json[] = body.trend
    assert.deepEqual(
      trend.map((p) => p.sweepId),
      sweeps,
    )
    assert.equal(trend[0].opened, trend[0].openAfter, 'the first sweep opens everything')
    assert.equal(trend[0].resolved, 0)
    assert.ok(trend[1].resolved >= 1, 'the fixed password policy resolves a finding')
    assert.ok(trend[2].reopened >= 1, 'and it comes back')
    for (let i = 1; i < trend.length; i++) {
      const p = trend[i]
      assert.equal(p.openAfter, trend[i - 1].openAfter + p.opened + p.reopened - p.resolved, `sweep ${i}`)
    }
    assert.equal(trend[2].openAfter, open.length)
    assert.deepEqual(
      (await ok('/v1/summary?sweeps=2')).trend.map((p: Json) => p.sweepId),
      sweeps.slice(1),
    )
    await badRequest('/v1/summary?sweeps=0', 'querystring.sweeps')
    await badRequest('/v1/summary?sweeps=51', 'querystring.sweeps')
  })

  test('GET /v1/sweeps/:id/diff lists what opened and resolved in between', async () => {
    const diff = (id: string, against: string) => ok(`/v1/sweeps/${id}/diff?against=${against}`)
    const [s1, s2, s3] = sweeps as [string, string, string]

    const fixed = await diff(s2, s1)
    assert.equal(fixed.sweepId, s2)
    assert.equal(fixed.against, s1)
    assert.deepEqual(
      fixed.resolved.map((f: Json) => f.id),
      [passwordId],
    )
    assert.equal(fixed.resolvedCount, 1)
    assert.deepEqual(fixed.opened, [])
    assert.equal(fixed.resolved[0].ruleId, 'password-policy.missing')
    assert.equal(fixed.resolved[0].accountId, DEV)

    const back = await diff(s3, s2)
    assert.deepEqual(
      back.opened.map((f: Json) => f.id),
      [passwordId],
    )
    assert.equal(back.openedCount, 1)
    assert.deepEqual(back.resolved, [])

    const net = await diff(s3, s1)
    assert.equal(net.openedCount + net.resolvedCount, 0, 'resolved then reopened cancels out')

    const reversed = await diff(s1, s2)
    assert.deepEqual(
      reversed.opened.map((f: Json) => f.id),
      [passwordId],
      'open after the first sweep, not after the second',
    )

    assert.equal((await get(`/v1/sweeps/${randomUUID()}/diff?against=${s1}`)).statusCode, 404)
    assert.equal((await get(`/v1/sweeps/${s2}/diff?against=${randomUUID()}`)).statusCode, 404)
    await badRequest(`/v1/sweeps/${s2}/diff`, 'querystring.against')
    await badRequest(`/v1/sweeps/${s2}/diff?against=yesterday`, 'querystring.against')
    await badRequest(`/v1/sweeps/${s2}/diff?against=${s2}`, 'querystring.against')
    await badRequest(`/v1/sweeps/nope/diff?against=${s1}`, 'params.id')
  })

  test('CSV export of /v1/findings: same query, header row, quoting', async () => {
    const tricky = 'Root access key, named "break-glass"\nsecond line'
    const target = (await ok(`/v1/findings?accountId=${NETWORK}&ruleId=root.access-key-present`)).items[0]
    await ctx.store.handle.db
      .updateTable('findings')
      .set({ title: tricky })
      .where('id', '=', target.id)
      .execute()

    const res = await get('/v1/findings?format=csv&status=open')
    assert.equal(res.statusCode, 200, res.body)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    assert.ok(res.body.includes('"Root access key, named ""break-glass""\nsecond line"'))
    const rows: string[][] = parse(res.body)
    assert.deepEqual(rows[0], [...CSV_COLUMNS])
    const open = await all('/v1/findings?status=open')
    assert.equal(rows.length - 1, open.length)
    const col = (name: string) => CSV_COLUMNS.indexOf(name as never)
    const row = rows.find((r) => r[col('id')] === target.id)!
    assert.equal(row[col('title')], tricky)
    assert.equal(row[col('accountName')], 'network')
    assert.equal(row[col('ouPath')], target.ouPath)
    assert.equal(row[col('firstSeenAt')], target.firstSeenAt)
    assert.equal(row[col('resolvedAt')], '')
    assert.deepEqual(
      rows.slice(1).map((r) => r[col('id')]),
      open.map((f) => f.id),
    )

    const byAccept = await get('/v1/findings?severity=critical', { accept: 'text/csv' })
    assert.match(String(byAccept.headers['content-type']), /^text\/csv/)
    const critical: string[][] = parse(byAccept.body, { from_line: 2 })
    assert.equal(critical.length, (await all('/v1/findings?severity=critical')).length)
    assert.ok(critical.every((r) => r[col('severity')] === 'critical'))

    const refused = await get('/v1/findings?control=NOPE.9', { accept: 'text/csv' })
    assert.equal(refused.statusCode, 400, 'a bad filter is still a problem document, not CSV')
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/)
    const none = await get('/v1/findings?control=IAM.4&ruleId=user.mfa-missing&format=csv')
    assert.deepEqual(parse(none.body), [[...CSV_COLUMNS]], 'no match: the header row alone')

    const json = await get('/v1/findings?limit=1', { accept: 'application/json, text/csv;q=0.5' })
    assert.equal(json.json().items.length, 1)
    await badRequest('/v1/findings?format=xml', 'querystring.format')
  })

  test('the CSV stream reads the store in chunks and stops at the cap', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({
      id: `id-${i}`,
      rule_id: 'r',
      severity: 'low',
      status: 'open',
      account_id: '111111111111',
      account_name: 'a',
      ou_path: 'o/r/',
      resource_arn: 'arn',
      title: 't',
      first_seen_at: '1970-01-01T00:00:00.000Z',
      last_seen_at: '1970-01-01T00:00:00.000Z',
      resolved_at: null,
    })) as unknown as FindingSummaryRow[]
    const calls: Array<[string | undefined, number]> = []
    const pager = async (after: string | undefined, limit: number) => {
      calls.push([after, limit])
      const start = after ? rows.findIndex((r) => r.id === after) + 1 : 0
      return rows.slice(start, start + limit)
    }
    const read = async (s: NodeJS.ReadableStream) => {
      let out = ''
      for await (const c of s) out += c
      return parse(out, { from_line: 2 }) as string[][]
    }
    assert.equal((await read(findingsCsv(pager, { chunk: 3 }))).length, 7)
    assert.deepEqual(calls, [
      [undefined, 3],
      ['id-2', 3],
      ['id-5', 3],
    ])
    calls.length = 0
    const capped = await read(findingsCsv(pager, { chunk: 3, maxRows: 4 }))
    assert.deepEqual(
      capped.map((r) => r[0]),
      ['id-0', 'id-1', 'id-2', 'id-3'],
    )
    assert.deepEqual(calls, [
      [undefined, 3],
      ['id-2', 1],
    ])
  })
})
