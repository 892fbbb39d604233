import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { SEVERITY_ORDER, type Severity } from '../../src/store/findings-repo.js'
import { createTestContext, type TestContext } from '../helpers/context.js'

// GET /v1/findings: first/last-seen windows, sort orders, and cursors that continue the order
// they were returned for; the CSV export answers the same query.

const T0 = Date.parse('2026-10-01T04:00:00.000Z')
const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString()

interface Seeded {
  id: string
  severity: Severity
  firstSeen: number
  lastSeen: number
}

interface Json {
  id: string
  severity: Severity
  lastSeenAt: string
}

describe('GET /v1/findings: first/last seen and sort', () => {
  let ctx: TestContext
  const seeded: Seeded[] = []

  const get = (url: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'GET', url, headers: { ...ctx.auth('read'), ...headers } })
  /** Every page of a query, following nextCursor. */
  const all = async (qs: string, limit = 4): Promise<Json[]> => {
    const items: Json[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 200; pages++) {
      const res = await get(`/v1/findings?${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(res.statusCode, 200, res.body)
      items.push(...res.json().items)
      cursor = res.json().nextCursor
      if (!cursor) return items
    }
    throw new Error('paging did not end')
  }
  const csvIds = async (qs: string) => {
    const res = await get(`/v1/findings?${qs}`, { accept: 'text/csv' })
    assert.equal(res.statusCode, 200, res.body)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    return (parse(res.body, { from_line: 2 }) as string[][]).map((r) => r[0])
  }
  const refused = async (qs: string, field: string) => {
    const res = await get(`/v1/findings?${qs}`)
    assert.equal(res.statusCode, 400, `${qs}: ${res.body}`)
    assert.match(String(res.headers['content-type']), /problem\+json/)
    assert.ok(
      res.json().errors.some((e: { field: string }) => e.field === field),
      `${qs} should name ${field}: ${res.body}`,
    )
  }

  before(async () => {
    ctx = await createTestContext({ workers: false })
    const sweep = randomUUID()
    for (let i = 0; i < 40; i++) {
      // Five sweep days: many findings share a first-seen instant and a severity.
      const firstSeen = T0 + (i % 5) * DAY
      seeded.push({
        id: randomUUID(),
        severity: SEVERITY_ORDER[(i * 3) % 5]!,
        firstSeen,
        lastSeen: firstSeen + ((i * 7) % 4) * DAY,
      })
    }
    await ctx.store.handle.db
      .insertInto('findings')
      .values(
        seeded.map((s, i) => ({
          id: s.id,
          fingerprint: `fp-${i}`,
          rule_id: 'role.unused',
          account_id: '123456789012',
          account_name: 'acct',
          ou_path: 'o-abc123defg/r-ab12/',
          resource_arn: `arn:aws:iam::123456789012:role/r${i}`,
          severity: s.severity,
          status: 'open',
          title: `finding ${i}`,
          evidence: JSON.stringify({ n: i }),
          first_seen_sweep: sweep,
          last_seen_sweep: sweep,
          first_seen_at: new Date(s.firstSeen),
          last_seen_at: new Date(s.lastSeen),
        })),
      )
      .execute()
  })
  after(() => ctx.close())

  const byId = (a: Seeded, b: Seeded) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

  test('sort=-severity pages most severe first, ties by id, each finding once', async () => {
    const items = await all('sort=-severity', 3)
    const want = [...seeded]
      .sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || byId(b, a))
      .map((s) => s.id)
    assert.deepEqual(
      items.map((f) => f.id),
      want,
    )
    assert.equal(items[0].severity, 'critical')
    assert.equal(items.at(-1)!.severity, 'info')
  })

  test('sort=firstSeen and sort=-lastSeen page by the date, ties by id', async () => {
    const first = await all('sort=firstSeen', 7)
    assert.deepEqual(
      first.map((f) => f.id),
      [...seeded].sort((a, b) => a.firstSeen - b.firstSeen || byId(a, b)).map((s) => s.id),
    )
    const last = await all('sort=-lastSeen', 7)
    assert.deepEqual(
      last.map((f) => f.id),
      [...seeded].sort((a, b) => b.lastSeen - a.lastSeen || byId(b, a)).map((s) => s.id),
    )
    assert.ok(Date.parse(last[0].lastSeenAt) >= Date.parse(last.at(-1)!.lastSeenAt))
  })

  test('first-seen and last-seen windows: from (inclusive) to (exclusive)', async () => {
    const from = T0 + DAY
    const to = T0 + 3 * DAY
    const items = await all(`firstSeenAfter=${iso(from)}&firstSeenBefore=${iso(to)}`)
    const want = seeded.filter((s) => s.firstSeen >= from && s.firstSeen < to)
    assert.ok(want.length > 0 && want.length < seeded.length)
    assert.deepEqual(items.map((f) => f.id).sort(), want.map((s) => s.id).sort())

    const recent = await all(`lastSeenAfter=${iso(T0 + 4 * DAY)}&sort=lastSeen`)
    assert.deepEqual(
      recent.map((f) => f.id),
      seeded
        .filter((s) => s.lastSeen >= T0 + 4 * DAY)
        .sort((a, b) => a.lastSeen - b.lastSeen || byId(a, b))
        .map((s) => s.id),
    )
    const stale = await all(`lastSeenBefore=${iso(T0 + DAY)}`)
    assert.deepEqual(
      stale.map((f) => f.id),
      seeded
        .filter((s) => s.lastSeen < T0 + DAY)
        .map((s) => s.id)
        .sort(),
    )
  })

  test('CSV exports the same query in the same order, and from a cursor on', async () => {
    const qs = `sort=-severity&firstSeenAfter=${iso(T0 + DAY)}`
    const json = (await all(qs, 5)).map((f) => f.id)
    assert.deepEqual(await csvIds(qs), json)
    const firstPage = (await get(`/v1/findings?${qs}&limit=5`)).json()
    assert.deepEqual(await csvIds(`${qs}&cursor=${firstPage.nextCursor}`), json.slice(5))
    // format=csv asks for CSV without an Accept header.
    const byDate = `sort=firstSeen&lastSeenBefore=${iso(T0 + 4 * DAY)}`
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/v1/findings?${byDate}&format=csv`,
      headers: ctx.auth('read'),
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(
      (parse(res.body, { from_line: 2 }) as string[][]).map((r) => r[0]),
      (await all(byDate)).map((f) => f.id),
    )
  })

  test('a list item is the finding without its evidence; include=evidence adds it, as GET /:id has it', async () => {
    const page = (await get('/v1/findings?ouId=r-ab12&severity=low&limit=5')).json()
    assert.equal(page.items.length, 5)
    // Stored times carry microseconds (or fewer digits): the list writes them as GET /:id does.
    const times = ['2026-10-02 03:04:05.678901+00', '2026-10-02 03:04:05+00', '2026-10-02 03:04:05.1+00']
    for (const [i, at] of times.entries())
      await sql`UPDATE findings SET resolved_at = ${at}::timestamptz WHERE id = ${page.items[i].id}`.execute(
        ctx.store.handle.db,
      )
    const again = (await get('/v1/findings?ouId=r-ab12&severity=low&limit=5')).json()
    assert.deepEqual(
      again.items.slice(0, 3).map((f: { resolvedAt: string }) => f.resolvedAt),
      ['2026-10-02T03:04:05.678Z', '2026-10-02T03:04:05.000Z', '2026-10-02T03:04:05.100Z'],
    )
    page.items = again.items
    for (const item of page.items) {
      assert.equal('evidence' in item, false, JSON.stringify(item))
      const one = (await get(`/v1/findings/${item.id}`)).json()
      const { evidence, ...rest } = one
      assert.deepEqual(item, rest)
      assert.deepEqual(evidence, { n: seeded.findIndex((s) => s.id === item.id) })
    }
    const full = (await get('/v1/findings?ouId=r-ab12&severity=low&limit=5&include=evidence')).json()
    assert.deepEqual(
      full.items.map((f: Json) => f.id),
      page.items.map((f: Json) => f.id),
    )
    for (const item of full.items)
      assert.deepEqual(item, (await get(`/v1/findings/${item.id}`)).json(), 'the same as GET /:id')
    // The CSV export of an OU reads the same rows, times written the same way.
    const csv = await get('/v1/findings?ouId=r-ab12&severity=low&limit=5&format=csv')
    const csvRows = parse(csv.body, { from_line: 2 }) as string[][]
    const allLow = await all('ouId=r-ab12&severity=low', 50)
    assert.deepEqual(
      csvRows.map((r) => [r[0], r[9], r[10], r[11]]),
      allLow.map((f) => {
        const full = f as Json & { firstSeenAt: string; resolvedAt: string | null }
        return [full.id, full.firstSeenAt, full.lastSeenAt, full.resolvedAt ?? '']
      }),
    )
    // Without an OU (another query path) too.
    const sorted = (await get('/v1/findings?sort=severity&limit=3&include=evidence')).json()
    assert.ok(sorted.items.every((f: { evidence?: unknown }) => typeof f.evidence === 'object'))
    await refused('include=everything', 'querystring.include[0]')
  })

  test('bad values are a 400 naming the parameter', async () => {
    await refused('firstSeenAfter=yesterday', 'querystring.firstSeenAfter')
    await refused('lastSeenBefore=2026-13-01T00:00:00Z', 'querystring.lastSeenBefore')
    await refused('sort=newest', 'querystring.sort')
    await refused(
      `firstSeenAfter=${iso(T0 + DAY)}&firstSeenBefore=${iso(T0 + DAY)}`,
      'querystring.firstSeenBefore',
    )
    await refused(
      `lastSeenAfter=${iso(T0 + 2 * DAY)}&lastSeenBefore=${iso(T0)}`,
      'querystring.lastSeenBefore',
    )
    // A cursor continues the sort it came from, and only a cursor this API returned is accepted.
    const page = (await get('/v1/findings?sort=-severity&limit=2')).json()
    await refused(`sort=firstSeen&cursor=${page.nextCursor}`, 'cursor')
    await refused(`cursor=${page.nextCursor}`, 'cursor')
    const forged = Buffer.from(JSON.stringify({ i: seeded[0]!.id, s: 'severity', k: 'high' })).toString(
      'base64url',
    )
    await refused(`sort=severity&cursor=${forged}`, 'cursor')
  })
})
