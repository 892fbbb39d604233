/**
 * Issue 5's "done when": the guardrail matrix of a SWEEP is right for an organization with
 * deny-leave at some OUs only, an allowlist with NotAction exemptions and a named break-glass
 * role, an EC2-only region deny, a deny-all OU, a deny that exempts all roles, and an account
 * straight under the root with nothing. The organization is a snapshot file
 * (test/fixtures/guardrail-acceptance-org.json), swept through the real pipeline: API → queue →
 * workers (guardrails judged from the stored org snapshot and each account's collected roles) →
 * store → GET /v1/guardrails and GET /v1/accounts/:id/guardrails.
 *
 * Root (FullAWSAccess)
 * ├── management        900000000009  SCPs do not apply
 * ├── legacy-bare       500000000001  FullAWSAccess only
 * ├── Workloads
 * │   ├── Prod          deny-leave-organization; region-allowlist (AWS example, BreakGlass exempt)
 * │   │   ├── prod-payments  100000000001  roles App, BreakGlass
 * │   │   └── prod-web       100000000002  role App
 * │   └── Dev           deny-ec2-outside-eu
 * │       └── dev-sandbox    200000000001
 * ├── Quarantine        deny-all, no FullAWSAccess
 * │   └── quarantined        300000000001
 * └── Security          security-baseline: denies leave and CloudTrail changes unless the caller is a role
 *     └── security-tooling   400000000001
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, runSweep, type TestContext } from '../helpers/context.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const ALLOWED = ['eu-west-1', 'eu-central-1']

const MANAGEMENT = '900000000009'
const PROD = '100000000001'
const PROD_WEB = '100000000002'
const DEV = '200000000001'
const QUARANTINE = '300000000001'
const SECURITY = '400000000001'
const BARE = '500000000001'

const OU = {
  workloads: 'ou-gr01-workload',
  prod: 'ou-gr01-prodprod',
  dev: 'ou-gr01-devdevde',
  quarantine: 'ou-gr01-quaranti',
  security: 'ou-gr01-security',
}

type Verdict = 'enforced' | 'not-enforced' | 'exempted' | 'not-applicable'
const GUARDRAILS = [
  'deny-leave-organization',
  'region-allowlist',
  'restrict-root-user',
  'deny-root-access-keys',
  'protect-cloudtrail',
  'protect-config',
  'protect-guardduty',
  'protect-security-hub',
  'protect-access-analyzer',
  'protect-audit-role',
] as const
const all = (v: Verdict) => Object.fromEntries(GUARDRAILS.map((g) => [g, v]))

/** The expected matrix, account × guardrail. */
const EXPECTED: Record<string, Record<string, Verdict>> = {
  [MANAGEMENT]: all('not-applicable'),
  // Deny-leave at Prod; the allowlist stops every principal but the BreakGlass role.
  [PROD]: { ...all('not-enforced'), 'deny-leave-organization': 'enforced', 'region-allowlist': 'exempted' },
  // The same SCPs, no BreakGlass role in the account: nothing gets out of the allowed regions.
  [PROD_WEB]: {
    ...all('not-enforced'),
    'deny-leave-organization': 'enforced',
    'region-allowlist': 'enforced',
  },
  // An EC2-only region deny is no region allowlist; no deny-leave here.
  [DEV]: all('not-enforced'),
  // Deny-all: everything is enforced.
  [QUARANTINE]: all('enforced'),
  // A deny that exempts every role leaves a hole any new role falls into.
  [SECURITY]: all('not-enforced'),
  // Straight under the root with nothing.
  [BARE]: all('not-enforced'),
}

interface StatementRef {
  policyType: string
  policyId: string
  policyName?: string
  sid?: string
  effect: string
  level?: { targetId: string; name?: string }
}
interface AccountGuardrail {
  guardrailId: string
  verdict: Verdict
  evidence: {
    deciding: StatementRef[]
    blockedAt: Array<{ targetId: string; name?: string }>
    escapes: Array<{
      principals: string[]
      principalsTotal?: number
      generic: boolean
      actions: string[]
      regions: string[]
    }>
    exemptPrincipals: string[]
    escapingServices?: string[]
    escapingRegions?: string[]
    note?: string
  }
}

describe('the guardrail matrix of a sweep of the acceptance organization', () => {
  let ctx: TestContext
  let sweepId: string
  before(async () => {
    ctx = await createTestContext({
      allowedRegions: ALLOWED,
      sources: createSourceResolver({ snapshotDir: FIXTURES }),
    })
    const sweep = await runSweep(ctx, { type: 'snapshot', name: 'guardrail-acceptance-org' })
    assert.equal(sweep.status, 'completed', JSON.stringify(sweep))
    sweepId = sweep.id
  })
  after(() => ctx.close())

  async function get(url: string) {
    const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.auth('read') })
    assert.equal(res.statusCode, 200, res.body)
    return res.json()
  }

  async function guardrailsOf(accountId: string): Promise<Map<string, AccountGuardrail>> {
    const body = await get(`/v1/accounts/${accountId}/guardrails?sweepId=${sweepId}`)
    assert.equal(body.accountId, accountId)
    return new Map((body.results as AccountGuardrail[]).map((r) => [r.guardrailId, r]))
  }

  const named = (d: StatementRef) => `${d.policyName}#${d.sid}@${d.level?.name}(${d.level?.targetId})`

  test('GET /v1/guardrails: every account × guardrail verdict', async () => {
    const m = await get('/v1/guardrails?limit=100')
    assert.equal(m.sweepId, sweepId)
    assert.deepEqual([...m.guardrails].sort(), [...GUARDRAILS].sort())
    const actual = Object.fromEntries(
      (m.items as Array<{ accountId: string; verdicts: Record<string, Verdict> }>).map((row) => [
        row.accountId,
        row.verdicts,
      ]),
    )
    assert.deepEqual(actual, EXPECTED)
  })

  test('the matrix filters by OU (with descendants), guardrail and verdict', async () => {
    const workloads = await get(`/v1/guardrails?ouId=${OU.workloads}&guardrailId=deny-leave-organization`)
    assert.deepEqual(
      workloads.items.map((r: { accountId: string; verdicts: Record<string, string> }) => [
        r.accountId,
        r.verdicts['deny-leave-organization'],
      ]),
      [
        [PROD, 'enforced'],
        [PROD_WEB, 'enforced'],
        [DEV, 'not-enforced'],
      ],
    )
    const exempted = await get('/v1/guardrails?guardrailId=region-allowlist&verdict=exempted')
    assert.deepEqual(
      exempted.items.map((r: { accountId: string }) => r.accountId),
      [PROD],
    )
  })

  test('deny-leave: the deciding statement and its OU; below Prod only', async () => {
    for (const account of [PROD, PROD_WEB]) {
      const leave = (await guardrailsOf(account)).get('deny-leave-organization')
      assert.deepEqual(leave?.evidence.deciding.map(named), [
        `deny-leave-organization#DenyLeave@Prod(${OU.prod})`,
      ])
      assert.deepEqual(leave?.evidence.escapes, [])
    }
    const dev = (await guardrailsOf(DEV)).get('deny-leave-organization')
    assert.deepEqual(dev?.evidence.deciding, [])
    // Nothing stops anyone: the three generic probes get out the same way, so one escape names them.
    assert.deepEqual(
      dev?.evidence.escapes.filter((e) => e.generic).map((e) => [...e.principals].sort()),
      [['any IAM role', 'any IAM user', 'root user']],
    )
  })

  test('the region allowlist at Prod: the named break-glass role is the only exemption', async () => {
    const region = (await guardrailsOf(PROD)).get('region-allowlist')
    assert.deepEqual(region?.evidence.exemptPrincipals, [`arn:aws:iam::${PROD}:role/BreakGlass`])
    assert.ok(
      region?.evidence.escapes.every(
        (e) => !e.generic && e.principals.every((p) => p.endsWith(':role/BreakGlass')),
      ),
    )
    assert.deepEqual(region?.evidence.deciding.map(named), [
      `region-allowlist#DenyAllOutsideAllowedRegions@Prod(${OU.prod})`,
    ])
    // The escapes are outside the allowed regions only.
    const escaping = region?.evidence.escapingRegions ?? []
    assert.ok(escaping.length > 0)
    for (const r of ALLOWED) assert.ok(!escaping.includes(r), r)
    // NotAction exemptions (IAM, Organizations, ...) are global services: never probed, never escapes.
    for (const s of ['iam', 'organizations', 'route53', 'kms'])
      assert.ok(!(region?.evidence.escapingServices ?? []).includes(s), s)

    const web = (await guardrailsOf(PROD_WEB)).get('region-allowlist')
    assert.deepEqual(web?.evidence.escapes, [])
    assert.deepEqual(web?.evidence.escapingServices, [])
  })

  test('Dev: the EC2-only region deny holds EC2 and nothing else', async () => {
    const region = (await guardrailsOf(DEV)).get('region-allowlist')
    const escaping = region?.evidence.escapingServices ?? []
    assert.ok(!escaping.includes('ec2'), 'EC2 is held in the allowed regions')
    for (const s of ['lambda', 's3', 'dynamodb', 'sqs']) assert.ok(escaping.includes(s), `${s} escapes`)
    assert.deepEqual(region?.evidence.deciding.map(named), [
      `deny-ec2-outside-eu#DenyEc2OutsideAllowedRegions@Dev(${OU.dev})`,
    ])
    assert.ok(region?.evidence.escapes.some((e) => e.generic && e.principals.includes('any IAM role')))
  })

  test('Quarantine: the deny-all decides every guardrail at its OU', async () => {
    const results = await guardrailsOf(QUARANTINE)
    assert.equal(results.size, GUARDRAILS.length)
    for (const [id, r] of results) {
      assert.ok(
        r.evidence.deciding.some((d) => named(d) === `deny-all#DenyEverything@Quarantine(${OU.quarantine})`),
        `${id}: ${JSON.stringify(r.evidence.deciding)}`,
      )
      assert.deepEqual(r.evidence.escapes, [], id)
    }
  })

  test('Security: a deny that exempts every role is not-enforced, with any role as the escape', async () => {
    const results = await guardrailsOf(SECURITY)
    for (const id of ['deny-leave-organization', 'protect-cloudtrail']) {
      const r = results.get(id)
      // The statement stops the root user and users, so it is evidence, but any role walks through.
      assert.deepEqual(r?.evidence.deciding.map(named), [
        `security-baseline#DenyUnlessRole@Security(${OU.security})`,
      ])
      assert.deepEqual(
        r?.evidence.escapes.filter((e) => e.generic).flatMap((e) => e.principals),
        ['any IAM role'],
        id,
      )
      assert.deepEqual(r?.evidence.exemptPrincipals, [], 'a wildcard exemption is not a named exemption')
    }
  })

  test('an account straight under the root with nothing: no deciding statement anywhere', async () => {
    for (const [id, r] of await guardrailsOf(BARE)) {
      assert.deepEqual(r.evidence.deciding, [], id)
      assert.ok(
        r.evidence.escapes.some((e) => e.generic),
        id,
      )
    }
  })

  test('the management account: not applicable, with the reason', async () => {
    for (const [id, r] of await guardrailsOf(MANAGEMENT))
      assert.match(r.evidence.note ?? '', /management account/, id)
  })
})
