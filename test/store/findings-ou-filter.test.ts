import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { type FindingQuery, SEVERITY_ORDER, type Severity } from '../../src/store/findings-repo.js'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'

// An OU-filtered list is read by (OU path × severity) index ranges when there are few of them and
// by walking the id order otherwise: both must give exactly the findings a plain filter gives,
// in id order, page after page.

const ORG = 'o-abc123defg/r-ab12'
const top = ['ou-ab12-topaaaa1', 'ou-ab12-topbbbb2']
const mid = ['ou-ab12-midaaaa1', 'ou-ab12-midbbbb2', 'ou-ab12-midcccc3']
const leaf = ['ou-ab12-leafaaa1', 'ou-ab12-leafbbb2']
// Thirty distinct paths, so the root with no severity floor (30 × 5 = 150 ranges, more than the
// 128 a merge takes) takes the id walk, and a top OU with a floor is merged from many ranges.
const WIDE = Array.from(
  { length: 18 },
  (_, i) => `${ORG}/${top[i % 2]}/ou-ab12-wide${String(i).padStart(4, '0')}/`,
)
const PATHS = [
  `${ORG}/`,
  ...top.map((t) => `${ORG}/${t}/`),
  ...mid.map((m, i) => `${ORG}/${top[i % 2]}/${m}/`),
  ...leaf.map((l) => `${ORG}/${top[0]}/${mid[0]}/${l}/`),
  // An OU that moved: older findings still carry its former path.
  `${ORG}/${top[1]}/${mid[0]}/`,
  `${ORG}/${top[1]}/${mid[0]}/${leaf[1]}/`,
  `${ORG}/${top[0]}/${mid[2]}/ou-ab12-deep0001/`,
  `${ORG}/${top[1]}/${mid[1]}/ou-ab12-deep0002/`,
  ...WIDE,
]
const STATUSES = ['open', 'resolved', 'suppressed'] as const

interface Seeded {
  id: string
  ou_path: string
  severity: Severity
  status: (typeof STATUSES)[number]
  account_id: string
}

function expected(rows: Seeded[], q: { ouId: string; minSeverity?: Severity; status?: string }) {
  const floor = q.minSeverity ? SEVERITY_ORDER.indexOf(q.minSeverity) : 0
  return rows
    .filter(
      (r) =>
        r.ou_path.includes(`/${q.ouId}/`) &&
        SEVERITY_ORDER.indexOf(r.severity) >= floor &&
        (!q.status || r.status === q.status),
    )
    .map((r) => r.id)
    .sort()
}

for (const kind of STORE_KINDS) {
  describe(`findings list by OU on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    const seeded: Seeded[] = []

    before(async () => {
      ;({ store, close } = await openTestStore(kind))
      const sweep = randomUUID()
      for (let i = 0; i < 600; i++) {
        // A fixed spread: every path, severity and status occurs, in shuffled combinations.
        const path = PATHS[(i * 7) % PATHS.length]!
        const severity = SEVERITY_ORDER[(i * 3 + (i >> 4)) % 5]!
        const status = STATUSES[(i * 5 + (i >> 3)) % 3]!
        const accountId = String(100000000000 + (i % 40))
        seeded.push({ id: randomUUID(), ou_path: path, severity, status, account_id: accountId })
      }
      await store.handle.db
        .insertInto('findings')
        .values(
          seeded.map((s, i) => ({
            id: s.id,
            fingerprint: `fp-${i}`,
            rule_id: 'role.unused',
            account_id: s.account_id,
            account_name: `acct-${s.account_id}`,
            ou_path: s.ou_path,
            resource_arn: `arn:aws:iam::${s.account_id}:role/r${i}`,
            severity: s.severity,
            status: s.status,
            title: `finding ${i}`,
            evidence: JSON.stringify({ n: i }),
            first_seen_sweep: sweep,
            last_seen_sweep: sweep,
            first_seen_at: new Date(),
            last_seen_at: new Date(),
          })),
        )
        .execute()
    })
    after(() => close())

    /** Every page of a query, following the id cursor as the API does. */
    async function allPages(q: Omit<FindingQuery, 'limit' | 'after'>, limit: number) {
      const ids: string[] = []
      let after: string | undefined
      for (let pages = 0; pages < 1000; pages++) {
        const rows = await store.findings.list({ ...q, after, limit })
        ids.push(...rows.map((r) => r.id))
        if (rows.length < limit) return ids
        after = rows.at(-1)!.id
      }
      throw new Error('paging did not end')
    }

    const cases: { ouId: string; minSeverity?: Severity; status?: 'open' | 'resolved' | 'suppressed' }[] = [
      { ouId: leaf[1]!, minSeverity: 'critical' },
      { ouId: leaf[0]!, minSeverity: 'medium', status: 'open' },
      { ouId: mid[0]! },
      { ouId: mid[0]!, minSeverity: 'high', status: 'suppressed' },
      { ouId: top[1]!, minSeverity: 'low' },
      { ouId: 'r-ab12', minSeverity: 'high' },
      { ouId: 'r-ab12' },
      { ouId: 'r-ab12', status: 'resolved' },
      { ouId: top[0]!, status: 'open' },
    ]
    for (const c of cases) {
      test(`OU ${c.ouId}, severity >= ${c.minSeverity ?? 'any'}, status ${c.status ?? 'any'}: the exact matches in id order`, async () => {
        const want = expected(seeded, c)
        assert.ok(want.length > 0, 'the case matches some findings')
        for (const limit of [7, 101]) {
          assert.deepEqual(await allPages(c, limit), want, `pages of ${limit}`)
        }
      })
    }

    test('an OU that no finding carries lists nothing', async () => {
      assert.deepEqual(await store.findings.list({ ouId: 'ou-ab12-nowhere1', limit: 50 }), [])
      // Not a substring match: an id that is a prefix of an OU id is another OU.
      assert.deepEqual(await store.findings.list({ ouId: 'ou-ab12-leafaaa', limit: 50 }), [])
    })

    test('OU with an account filter still narrows to both', async () => {
      const account = seeded.find((s) => s.ou_path.includes(`/${mid[0]}/`))!.account_id
      const rows = await store.findings.list({ ouId: mid[0]!, accountId: account, limit: 500 })
      const want = seeded
        .filter((s) => s.account_id === account && s.ou_path.includes(`/${mid[0]}/`))
        .map((s) => s.id)
        .sort()
      assert.deepEqual(
        rows.map((r) => r.id),
        want,
      )
    })

    test('a path new to the table (a sweep wrote it, or an account moved there) is found at once', async () => {
      const db = store.handle.db
      const moved = seeded.find((s) => s.ou_path === PATHS[1])!
      const newPath = `${ORG}/${top[0]}/ou-ab12-newaaaa1/`
      await db.updateTable('findings').set({ ou_path: newPath }).where('id', '=', moved.id).execute()
      const found = await store.findings.list({ ouId: 'ou-ab12-newaaaa1', limit: 10 })
      assert.deepEqual(
        found.map((r) => r.id),
        [moved.id],
      )
      const added = { ...seeded[0]!, id: randomUUID(), ou_path: `${ORG}/ou-ab12-newbbbb2/` }
      await db
        .insertInto('findings')
        .values({
          id: added.id,
          fingerprint: 'fp-added',
          rule_id: 'role.unused',
          account_id: added.account_id,
          account_name: 'added',
          ou_path: added.ou_path,
          resource_arn: 'arn:aws:iam::100000000000:role/added',
          severity: added.severity,
          status: added.status,
          title: 'added',
          evidence: JSON.stringify({}),
          first_seen_sweep: randomUUID(),
          last_seen_sweep: randomUUID(),
          first_seen_at: new Date(),
          last_seen_at: new Date(),
        })
        .execute()
      const listed = await store.findings.list({ ouId: 'ou-ab12-newbbbb2', limit: 10 })
      assert.deepEqual(
        listed.map((r) => r.id),
        [added.id],
      )
      // Put things back for the other tests.
      await db.updateTable('findings').set({ ou_path: moved.ou_path }).where('id', '=', moved.id).execute()
      await db.deleteFrom('findings').where('id', '=', added.id).execute()
      assert.deepEqual(await store.findings.list({ ouId: 'ou-ab12-newaaaa1', limit: 10 }), [])
    })

    test('summaries are the rows without their evidence, times as ISO text', async () => {
      const q = { ouId: top[1]!, minSeverity: 'low' as const, limit: 20 }
      const full = await store.findings.list(q)
      const summaries = await store.findings.listSummaries(q)
      const iso = (d: Date | null) => d?.toISOString() ?? null
      assert.deepEqual(
        summaries,
        full.map(({ evidence: _, suppressed_at: __, ...rest }) => ({
          ...rest,
          first_seen_at: rest.first_seen_at.toISOString(),
          last_seen_at: rest.last_seen_at.toISOString(),
          resolved_at: iso(rest.resolved_at),
          suppressed_until: iso(rest.suppressed_until),
        })),
      )
      const walked = await store.findings.listSummaries({ ouId: 'r-ab12', limit: 5 })
      assert.equal(walked.length, 5)
      assert.ok(walked.every((r) => !('evidence' in r)))
    })

    test('rows come back whole', async () => {
      const [row] = await store.findings.list({ ouId: leaf[0]!, limit: 1 })
      const s = seeded.find((x) => x.id === row!.id)!
      assert.equal(row!.ou_path, s.ou_path)
      assert.equal(row!.severity, s.severity)
      assert.ok(row!.first_seen_at instanceof Date)
      assert.deepEqual(row!.evidence, { n: seeded.indexOf(s) })
    })
  })
}
