import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'

// From examples/README.md: deny-leave-organization is attached to Workloads and Infrastructure
// only; the region allowlist at the root allows eu-west-1 and eu-central-1 and exempts a named
// break-glass role; the management account is outside SCPs.
const MANAGEMENT = '210987654321'
const WORKLOADS = 'ou-ac3e-work3m8z'
const SECURITY = 'ou-ac3e-secu7k1q'

describe('the guardrail matrix of the demo organization', () => {
  let ctx: TestContext
  let sweepId: string
  before(async () => {
    ctx = await createTestContext({ allowedRegions: ['eu-west-1', 'eu-central-1'] })
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    sweepId = (await waitForSweep(ctx, res.json().id)).id
  })
  after(() => ctx.close())

  const matrix = async (qs = '') =>
    (await ctx.app.inject({ method: 'GET', url: `/v1/guardrails${qs}`, headers: ctx.auth('read') })).json()

  test('every swept account has a verdict for every guardrail, from the latest sweep', async () => {
    const m = await matrix('?limit=100')
    assert.equal(m.sweepId, sweepId)
    assert.equal(m.items.length, 8)
    for (const row of m.items) {
      assert.deepEqual(Object.keys(row.verdicts).sort(), [...m.guardrails].sort(), row.accountId)
    }
  })

  test('deny-leave-organization holds below Workloads and not below Security; the management account is not applicable', async () => {
    const rows = (await matrix('?guardrailId=deny-leave-organization&limit=100')).items as Array<{
      accountId: string
      ouPath: string
      verdicts: Record<string, string>
    }>
    for (const row of rows) {
      const verdict = row.verdicts['deny-leave-organization']
      if (row.accountId === MANAGEMENT) assert.equal(verdict, 'not-applicable')
      else if (row.ouPath.includes(`/${WORKLOADS}/`)) assert.equal(verdict, 'enforced', row.accountId)
      else if (row.ouPath.includes(`/${SECURITY}/`)) assert.equal(verdict, 'not-enforced', row.accountId)
    }
  })

  test('filters by OU with descendants and by verdict', async () => {
    const workloads = await matrix(`?ouId=${WORKLOADS}`)
    assert.equal(workloads.items.length, 4)
    const notEnforced = await matrix('?guardrailId=deny-leave-organization&verdict=not-enforced')
    assert.ok(notEnforced.items.length >= 2)
    for (const row of notEnforced.items) assert.equal(row.verdicts['deny-leave-organization'], 'not-enforced')
  })

  test('an account shows the region allowlist with its exempt break-glass role and the deciding statement', async () => {
    const m = await matrix(`?ouId=${WORKLOADS}&limit=1`)
    const accountId = m.items[0].accountId
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/v1/accounts/${accountId}/guardrails`,
      headers: ctx.auth('read'),
    })
    assert.equal(res.statusCode, 200)
    const region = res
      .json()
      .results.find((r: { guardrailId: string }) => r.guardrailId === 'region-allowlist')
    assert.ok(['enforced', 'exempted'].includes(region.verdict), region.verdict)
    assert.ok(region.evidence.deciding.length > 0)
    assert.ok(
      region.evidence.deciding.some((d: { policyName?: string; policyId?: string }) =>
        JSON.stringify(d).includes('region-allowlist'),
      ),
      JSON.stringify(region.evidence.deciding),
    )
  })

  test('judged against a wider allowlist than the SCP enforces, the region guardrail names the escaping region', async () => {
    const other = await createTestContext({ allowedRegions: ['eu-west-1'] })
    try {
      const res = await other.app.inject({
        method: 'POST',
        url: '/v1/sweeps',
        headers: other.auth(),
        payload: {
          source: { type: 'snapshot', name: 'demo-org' },
          scope: { organizationalUnitIds: [WORKLOADS] },
        },
      })
      await waitForSweep(other, res.json().id)
      const m = (
        await other.app.inject({
          method: 'GET',
          url: '/v1/guardrails?guardrailId=region-allowlist',
          headers: other.auth('read'),
        })
      ).json()
      const accountId = m.items[0].accountId
      assert.equal(m.items[0].verdicts['region-allowlist'], 'not-enforced')
      const detail = (
        await other.app.inject({
          method: 'GET',
          url: `/v1/accounts/${accountId}/guardrails`,
          headers: other.auth('read'),
        })
      ).json()
      const region = detail.results.find((r: { guardrailId: string }) => r.guardrailId === 'region-allowlist')
      assert.ok(
        region.evidence.escapingRegions.includes('eu-central-1'),
        JSON.stringify(region.evidence.escapingRegions),
      )
    } finally {
      await other.close()
    }
  })

  test('the org tree shows attached SCPs and hygiene per node', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: ctx.auth('read') })
    assert.equal(res.statusCode, 200, res.body)
    const org = res.json()
    assert.equal(org.sweepId, sweepId)
    const root = org.roots[0]
    assert.equal(root.type, 'ROOT')
    const workloads = root.children.find((n: { id: string }) => n.id === WORKLOADS)
    assert.ok(workloads.policies.some((p: { name: string }) => p.name === 'deny-leave-organization'))
    assert.deepEqual(workloads.children.map((c: { name: string }) => c.name).sort(), ['NonProd', 'Prod'])
    // Every level keeps FullAWSAccess, so no node blocks everything below it.
    const all: Array<{ hygiene: Array<{ code: string }>; children: unknown[] }> = []
    const walk = (n: { hygiene: Array<{ code: string }>; children: unknown[] }) => {
      all.push(n)
      for (const c of n.children) walk(c as typeof n)
    }
    walk(root)
    assert.ok(all.every((n) => !n.hygiene.some((h) => h.code === 'no-allow')))
  })

  test('pages by account id and refuses bad filters by name', async () => {
    const first = await matrix('?limit=5')
    assert.equal(first.items.length, 5)
    const second = await matrix(`?limit=5&cursor=${first.nextCursor}`)
    assert.equal(second.items.length, 3)
    assert.equal(second.nextCursor, null)
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/v1/guardrails?verdict=maybe',
      headers: ctx.auth('read'),
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().errors[0].field, 'querystring.verdict')
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/v1/accounts/999999999999/guardrails',
      headers: ctx.auth('read'),
    })
    assert.equal(unknown.statusCode, 404)
  })
})
