import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext } from '../helpers/context.js'

const DEMO = { type: 'snapshot', name: 'demo-org' }

/** Hour and minute of an instant on the wall clock of a time zone, e.g. "03:00". */
const wallClock = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  )

describe('schedules API: create, read, change, delete', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ workers: false })
  })
  after(() => ctx.close())

  const create = (payload: object, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/schedules',
      headers: { ...ctx.auth('write'), ...headers },
      payload,
    })
  const get = (url: string, scope: 'read' | 'write' = 'read') =>
    ctx.app.inject({ method: 'GET', url, headers: ctx.auth(scope) })
  const patch = (id: string, payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/schedules/${id}`, headers: ctx.auth('write'), payload })
  const scheduler = (id: string) => ctx.queues.schedules.getJobScheduler(`schedule-${id}`)

  test('POST answers 201 + Location; the next run is the cron time on the wall clock of the time zone', async () => {
    const res = await create({
      name: 'nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      source: DEMO,
      scope: { organizationalUnitIds: ['ou-ab12-prod0001'] },
    })
    assert.equal(res.statusCode, 201, res.body)
    const s = res.json()
    assert.equal(res.headers.location, `/v1/schedules/${s.id}`)
    assert.equal(s.name, 'nightly')
    assert.equal(s.enabled, true)
    assert.equal(s.createdBy, 'test-write')
    assert.deepEqual(s.source, DEMO)
    assert.deepEqual(s.scope, { all: false, organizationalUnitIds: ['ou-ab12-prod0001'], accountIds: [] })
    assert.deepEqual(s.runs, { started: 0, skipped: 0, failed: 0, lastFiredAt: null, lastSkippedAt: null })
    assert.deepEqual(s.recentRuns, [])
    const next = Date.parse(s.nextRunAt)
    assert.ok(next > Date.now() && next <= Date.now() + 25 * 3600_000, s.nextRunAt)
    assert.equal(wallClock(s.nextRunAt, 'Europe/Berlin'), '03:00')

    const js = await scheduler(s.id)
    assert.equal(js?.pattern, '0 3 * * *')
    assert.equal(js?.tz, 'Europe/Berlin')

    const read = await get(`/v1/schedules/${s.id}`)
    assert.equal(read.statusCode, 200)
    assert.deepEqual(read.json(), s)
  })

  test('defaults: whole organization, AWS source refused when not configured (422 naming the field)', async () => {
    const res = await create({ name: 'aws', cron: '0 * * * *' })
    assert.equal(res.statusCode, 422, res.body)
    assert.deepEqual(
      res.json().errors.map((e: { field: string }) => e.field),
      ['body.source.type'],
    )
    const ok = await create({ name: 'whole org', cron: '@daily', source: DEMO })
    assert.equal(ok.statusCode, 201, ok.body)
    assert.equal(ok.json().timezone, 'UTC')
    assert.deepEqual(ok.json().scope, { all: true, organizationalUnitIds: [], accountIds: [] })
    assert.equal(wallClock(ok.json().nextRunAt, 'UTC'), '00:00')
  })

  test('an Idempotency-Key repeated returns the same schedule', async () => {
    const body = { name: 'once', cron: '15 4 * * 1', source: DEMO }
    const first = await create(body, { 'idempotency-key': 'sched-once' })
    const again = await create(body, { 'idempotency-key': 'sched-once' })
    assert.equal(first.statusCode, 201)
    assert.equal(again.json().id, first.json().id)
    assert.equal(again.headers['idempotent-replayed'], 'true')
  })

  test('the list pages newest first with a cursor and filters on enabled', async () => {
    const ids: string[] = []
    for (const name of ['p1', 'p2', 'p3']) {
      const r = await create({ name, cron: '0 1 * * *', source: DEMO, enabled: name !== 'p2' })
      ids.push(r.json().id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await get(`/v1/schedules?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(res.statusCode, 200, res.body)
      const page = res.json()
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((s: { id: string }) => s.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.equal(new Set(seen).size, seen.length)
    assert.deepEqual(seen.slice(0, 3), [...ids].reverse())

    const disabled = (await get('/v1/schedules?enabled=false')).json().items
    assert.deepEqual(
      disabled.map((s: { id: string }) => s.id),
      [ids[1]],
    )
    assert.equal(disabled[0].nextRunAt, null)
  })

  test('PATCH changes only the fields sent; disabling removes the job scheduler, enabling restores it', async () => {
    const s = (await create({ name: 'change me', cron: '0 5 * * *', timezone: 'UTC', source: DEMO })).json()

    const moved = await patch(s.id, { cron: '30 7 * * *', timezone: 'America/New_York' })
    assert.equal(moved.statusCode, 200, moved.body)
    assert.equal(moved.json().name, 'change me')
    assert.equal(moved.json().cron, '30 7 * * *')
    assert.equal(wallClock(moved.json().nextRunAt, 'America/New_York'), '07:30')
    assert.equal((await scheduler(s.id))?.pattern, '30 7 * * *')

    const off = await patch(s.id, { enabled: false })
    assert.equal(off.json().enabled, false)
    assert.equal(off.json().nextRunAt, null)
    assert.equal(await scheduler(s.id), undefined)

    const on = await patch(s.id, { enabled: true, name: 'changed' })
    assert.equal(on.json().name, 'changed')
    assert.equal(wallClock(on.json().nextRunAt, 'America/New_York'), '07:30')
    assert.equal((await scheduler(s.id))?.tz, 'America/New_York')

    const scoped = await patch(s.id, { scope: { accountIds: ['111111111111'] } })
    assert.deepEqual(scoped.json().scope, {
      all: false,
      organizationalUnitIds: [],
      accountIds: ['111111111111'],
    })
  })

  test('DELETE answers 204, the schedule and its job scheduler are gone', async () => {
    const s = (await create({ name: 'bye', cron: '0 6 * * *', source: DEMO })).json()
    const del = await ctx.app.inject({ method: 'DELETE', url: `/v1/schedules/${s.id}`, headers: ctx.auth() })
    assert.equal(del.statusCode, 204)
    assert.equal((await get(`/v1/schedules/${s.id}`)).statusCode, 404)
    assert.equal(await scheduler(s.id), undefined)
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/schedules/${s.id}`,
      headers: ctx.auth(),
    })
    assert.equal(again.statusCode, 404)
  })

  test('a read token may list and read but not change; no token gets 401', async () => {
    const s = (await create({ name: 'ro', cron: '0 6 * * *', source: DEMO })).json()
    assert.equal((await get(`/v1/schedules/${s.id}/runs`)).statusCode, 200)
    const denied = [
      {
        method: 'POST' as const,
        url: '/v1/schedules',
        payload: { name: 'x', cron: '* * * * *', source: DEMO },
      },
      { method: 'PATCH' as const, url: `/v1/schedules/${s.id}`, payload: { enabled: false } },
      { method: 'DELETE' as const, url: `/v1/schedules/${s.id}` },
    ]
    for (const r of denied) {
      const res = await ctx.app.inject({ ...r, headers: ctx.auth('read') })
      assert.equal(res.statusCode, 403, `${r.method} ${r.url}`)
    }
    for (const url of ['/v1/schedules', `/v1/schedules/${s.id}`]) {
      assert.equal((await ctx.app.inject({ method: 'GET', url })).statusCode, 401)
    }
    assert.equal((await get(`/v1/schedules/${s.id}`)).json().enabled, true)
  })
})

describe('schedules API: bad input', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext({ workers: false })
  })
  after(() => ctx.close())

  const post = (payload: unknown) =>
    ctx.app.inject({ method: 'POST', url: '/v1/schedules', headers: ctx.auth(), payload: payload as object })
  const base = { name: 'bad', cron: '0 2 * * *', source: DEMO }

  const cases: Array<[string, unknown, number, string]> = [
    ['a minute out of range', { ...base, cron: '61 * * * *' }, 400, 'body.cron'],
    ['words', { ...base, cron: 'every day at two' }, 400, 'body.cron'],
    ['four fields', { ...base, cron: '* * * *' }, 400, 'body.cron'],
    ['seven fields', { ...base, cron: '0 0 0 * * * *' }, 400, 'body.cron'],
    ['a date that never comes', { ...base, cron: '0 0 30 2 *' }, 400, 'body.cron'],
    ['the randomised H', { ...base, cron: 'H 2 * * *' }, 400, 'body.cron'],
    ['an empty cron', { ...base, cron: '' }, 400, 'body.cron'],
    ['an unknown time zone', { ...base, timezone: 'Mars/Phobos' }, 400, 'body.timezone'],
    ['an offset instead of a zone', { ...base, timezone: '+02:00' }, 400, 'body.timezone'],
    ['an unknown field', { ...base, cronExpression: '* * * * *' }, 400, 'body.cronExpression'],
    ['no name', { cron: '0 2 * * *', source: DEMO }, 400, 'body.name'],
    ['no cron', { name: 'x', source: DEMO }, 400, 'body.cron'],
    ['enabled as a string', { ...base, enabled: 'yes' }, 400, 'body.enabled'],
    ['a bad account id', { ...base, scope: { accountIds: ['12'] } }, 400, 'body.scope.accountIds[0]'],
    ['all with ids', { ...base, scope: { all: true, accountIds: ['111111111111'] } }, 400, 'body.scope.all'],
    ['a snapshot without a name', { ...base, source: { type: 'snapshot' } }, 400, 'body.source.name'],
    [
      'a snapshot that does not exist',
      { ...base, source: { type: 'snapshot', name: 'nope' } },
      422,
      'body.source.name',
    ],
  ]
  for (const [what, payload, status, field] of cases) {
    test(`${what} → ${status} naming ${field}`, async () => {
      const res = await post(payload)
      assert.equal(res.statusCode, status, res.body)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.ok(
        res.json().errors.some((e: { field: string }) => e.field === field),
        `expected ${field} in ${res.body}`,
      )
    })
  }

  test('PATCH: a bad time zone, an empty body or an unknown field → 400, and nothing changes', async () => {
    const s = (await post(base)).json()
    const bad: Array<[object, string]> = [
      [{ timezone: 'Not/AZone' }, 'body.timezone'],
      [{ cron: '0 25 * * *' }, 'body.cron'],
      [{ paused: true }, 'body.paused'],
    ]
    for (const [payload, field] of bad) {
      const res = await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/schedules/${s.id}`,
        headers: ctx.auth(),
        payload,
      })
      assert.equal(res.statusCode, 400, res.body)
      assert.ok(
        res.json().errors.some((e: { field: string }) => e.field === field),
        res.body,
      )
    }
    const empty = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/schedules/${s.id}`,
      headers: ctx.auth(),
      payload: {},
    })
    assert.equal(empty.statusCode, 400, empty.body)
    const now = await ctx.app.inject({
      method: 'GET',
      url: `/v1/schedules/${s.id}`,
      headers: ctx.auth('read'),
    })
    assert.equal(now.json().cron, '0 2 * * *')
    assert.equal(now.json().timezone, 'UTC')
    assert.equal(now.json().updatedAt, s.updatedAt)
  })

  test('nothing is written by refused requests; bad ids and cursors are 400s, unknown ids 404', async () => {
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/schedules', headers: ctx.auth('read') })
    assert.equal(list.json().items.length, 1, 'only the PATCH test schedule exists')
    assert.equal((await ctx.queues.schedules.getJobSchedulers()).length, 1)
    const badId = await ctx.app.inject({
      method: 'GET',
      url: '/v1/schedules/nope',
      headers: ctx.auth('read'),
    })
    assert.equal(badId.statusCode, 400)
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/v1/schedules/00000000-0000-4000-8000-000000000000',
      headers: ctx.auth('read'),
    })
    assert.equal(unknown.statusCode, 404)
    const cursor = await ctx.app.inject({
      method: 'GET',
      url: '/v1/schedules?cursor=xyz',
      headers: ctx.auth('read'),
    })
    assert.equal(cursor.statusCode, 400)
    assert.equal(cursor.json().errors[0].field, 'cursor')
  })
})
