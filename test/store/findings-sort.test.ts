import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import {
  type FindingQuery,
  type FindingSort,
  SEVERITY_ORDER,
  type Severity,
  sortKeyOf,
} from '../../src/store/findings-repo.js'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'

// GET /v1/findings sorted by severity or a first/last-seen date, and filtered by first/last-seen
// windows: paging by (sort key, id) must give exactly the matches in order, with no row skipped
// or repeated, where many rows share a key (a sweep stamps all its findings at one instant) and
// where stored times carry microseconds a cursor cannot hold.

const ORG = 'o-abc123defg/r-ab12'
const OU = 'ou-ab12-teamaaa1'
const T0 = Date.parse('2026-11-01T06:00:00.000Z')
const HOUR = 3_600_000
const STATUSES = ['open', 'resolved', 'suppressed'] as const

interface Seeded {
  id: string
  severity: Severity
  status: (typeof STATUSES)[number]
  ouPath: string
  firstSeen: number
  lastSeen: number
  /** Added to first_seen_at in the database: below the millisecond a cursor carries. */
  micros: number
}

const RANK = (s: Severity) => SEVERITY_ORDER.indexOf(s)
const keyOf: Record<string, (r: Seeded) => number> = {
  severity: (r) => RANK(r.severity),
  firstSeen: (r) => r.firstSeen,
  lastSeen: (r) => r.lastSeen,
}

function expected(rows: Seeded[], sort: FindingSort, keep: (r: Seeded) => boolean = () => true) {
  if (sort === 'id')
    return rows
      .filter(keep)
      .map((r) => r.id)
      .sort()
  const descending = sort.startsWith('-')
  const key = keyOf[descending ? sort.slice(1) : sort]!
  const dir = descending ? -1 : 1
  return rows
    .filter(keep)
    .sort((a, b) => dir * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((r) => r.id)
}

for (const kind of STORE_KINDS) {
  describe(`findings sorted and filtered by first/last seen on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    const seeded: Seeded[] = []

    before(async () => {
      ;({ store, close } = await openTestStore(kind))
      const sweep = randomUUID()
      for (let i = 0; i < 300; i++) {
        // Eight sweeps' instants, shared by many rows; last seen at or after first seen.
        const first = T0 + ((i * 5) % 8) * HOUR
        seeded.push({
          id: randomUUID(),
          severity: SEVERITY_ORDER[(i * 3 + (i >> 3)) % 5]!,
          status: STATUSES[(i * 7) % 3]!,
          ouPath: i % 3 === 0 ? `${ORG}/${OU}/` : `${ORG}/`,
          firstSeen: first,
          lastSeen: first + ((i * 11) % 4) * HOUR,
          micros: i % 4 === 0 ? 0 : (i * 37) % 1000,
        })
      }
      await store.handle.db
        .insertInto('findings')
        .values(
          seeded.map((s, i) => ({
            id: s.id,
            fingerprint: `fp-${i}`,
            rule_id: 'role.unused',
            account_id: '123456789012',
            account_name: 'acct',
            ou_path: s.ouPath,
            resource_arn: `arn:aws:iam::123456789012:role/r${i}`,
            severity: s.severity,
            status: s.status,
            title: `finding ${i}`,
            evidence: JSON.stringify({ n: i }),
            first_seen_sweep: sweep,
            last_seen_sweep: sweep,
            first_seen_at: new Date(s.firstSeen),
            last_seen_at: new Date(s.lastSeen),
          })),
        )
        .execute()
      for (const s of seeded.filter((r) => r.micros > 0)) {
        await sql`UPDATE findings SET first_seen_at = first_seen_at + make_interval(secs => ${s.micros / 1e6})
          WHERE id = ${s.id}`.execute(store.handle.db)
      }
    })
    after(() => close())

    /** Every page of a query, following (sort key, id) as the API's cursor does. */
    async function allPages(q: Omit<FindingQuery, 'limit' | 'after' | 'afterKey'>, limit: number) {
      const ids: string[] = []
      let position: Pick<FindingQuery, 'after' | 'afterKey'> = {}
      for (let pages = 0; pages < 1000; pages++) {
        const rows = await store.findings.list({ ...q, ...position, limit })
        ids.push(...rows.map((r) => r.id))
        if (rows.length < limit) return ids
        const last = rows.at(-1)!
        position = { after: last.id, afterKey: sortKeyOf(last, q.sort) }
      }
      throw new Error('paging did not end')
    }

    for (const sort of [
      'severity',
      '-severity',
      'firstSeen',
      '-firstSeen',
      'lastSeen',
      '-lastSeen',
    ] as const) {
      test(`sort ${sort}: every finding once, in (key, id) order, at any page size`, async () => {
        const want = expected(seeded, sort)
        for (const limit of [7, 64, 500])
          assert.deepEqual(await allPages({ sort }, limit), want, `pages of ${limit}`)
      })
    }

    test('first-seen window: from its start (inclusive) to its end (exclusive)', async () => {
      const from = new Date(T0 + 2 * HOUR)
      const to = new Date(T0 + 5 * HOUR)
      // Microseconds past T0 + 5 h are still "not before" T0 + 5 h: those rows are out.
      const want = expected(seeded, 'id', (r) => r.firstSeen >= from.getTime() && r.firstSeen < to.getTime())
      const ids = await allPages({ firstSeenAfter: from, firstSeenBefore: to }, 13)
      assert.deepEqual(ids, want)
      assert.ok(ids.length > 0 && ids.length < seeded.length)
    })

    test('last-seen window with status and OU, sorted most severe first', async () => {
      const q = {
        ouId: OU,
        status: 'open' as const,
        lastSeenAfter: new Date(T0 + 3 * HOUR),
        lastSeenBefore: new Date(T0 + 9 * HOUR),
        sort: '-severity' as const,
      }
      const want = expected(
        seeded,
        '-severity',
        (r) =>
          r.ouPath.includes(`/${OU}/`) &&
          r.status === 'open' &&
          r.lastSeen >= q.lastSeenAfter.getTime() &&
          r.lastSeen < q.lastSeenBefore.getTime(),
      )
      assert.ok(want.length > 3, 'the case matches several findings')
      assert.deepEqual(await allPages(q, 4), want)
    })

    test('an OU filter with a date window in the default order applies the window too', async () => {
      const q = { ouId: OU, firstSeenBefore: new Date(T0 + HOUR) }
      const want = expected(seeded, 'id', (r) => r.ouPath.includes(`/${OU}/`) && r.firstSeen < T0 + HOUR)
      assert.ok(want.length > 0)
      assert.deepEqual(await allPages(q, 5), want)
    })
  })
}
