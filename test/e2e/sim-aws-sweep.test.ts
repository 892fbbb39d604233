/**
 * A sweep through the simulated AWS (bench/sim-aws): POST /v1/sweeps → BullMQ → workers → store,
 * with the real AWS SDK talking HTTP to the simulator (AWS_ENDPOINT_URL), so its serializers,
 * parsers (awsQuery XML, awsJson 1.1, restJson) and standard retry strategy all run.
 *
 * The organization: six accounts, one whose audit role is missing, one with planted
 * misconfigurations and the others clean. The first request of one operation per service and
 * caller is throttled the way that service throttles, and the sweep must still complete.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type AccountProfile, accountProfile } from '../../bench/sim-aws/account.js'
import { type SimAws, startSimAws } from '../../bench/sim-aws/server.js'
import type { CallStats } from '../../src/aws/call-stats.js'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { FAST_RATES } from '../aws/helpers.js'
import { createTestContext, runSweep, type TestContext } from '../helpers/context.js'
import { waitFor } from '../helpers/wait.js'

const REGIONS = ['us-east-1', 'eu-west-1']
const THROTTLED_FIRST = [
  'organizations:ListRoots',
  'sts:AssumeRole',
  'iam:GetAccountSummary',
  'cloudtrail:DescribeTrails',
  'config:DescribeConfigurationRecorders',
  'access-analyzer:ListAnalyzers',
]

/** Everything wrong at once, in one account. */
const PLANTED: AccountProfile = {
  rootAccessKey: true,
  rootMfa: 'none',
  passwordPolicy: 'none',
  adminPolicy: true,
  roleTrustsAny: true,
  crossAccountWithoutExternalId: true,
  escalationPolicy: true,
  trail: false,
  configRecorder: 'off',
  analyzerEverywhere: false,
  expiredCertificate: true,
  cloudShell: true,
  supportRole: false,
}

/** What each planted flag must produce, and a clean account must not. */
const PLANTED_RULES = [
  'root.access-key-present',
  'root.mfa-disabled',
  'password-policy.missing',
  'policy.full-admin',
  'policy.service-wildcard',
  'role.trusts-any-principal',
  'role.external-trust-without-external-id',
  'account.cloudtrail-not-multiregion',
  'account.config-recorder-off',
  'account.access-analyzer-disabled',
  'account.expired-server-certificate',
  'policy.cloudshell-full-access',
  'account.support-role-missing',
]

interface AccountItem {
  accountId: string
  status: string
  reason: string | null
  stats: { api?: CallStats } | null
}

describe('a sweep through the simulated AWS', () => {
  let sim: SimAws
  let ctx: TestContext
  let sweep: { status: string; progress: Record<string, unknown> }
  let items: AccountItem[]
  let sweepId: string
  let planted: string
  let clean: string
  let missing: string
  const previousEndpoint = process.env.AWS_ENDPOINT_URL

  /** POST /v1/sweeps for the AWS source, and the sweep once it has ended. */
  async function sweepAws() {
    const sweep = await runSweep(ctx, { type: 'aws' }, 90_000)
    return { id: sweep.id as string, sweep }
  }

  before(async () => {
    sim = await startSimAws({
      seed: 7,
      accounts: 6,
      ouDepth: 2,
      ouBranching: 1,
      users: 6,
      roles: 18,
      policies: 6,
      misconfig: 0,
      suspended: 0,
      missingRole: 1,
      regions: REGIONS,
      throttleFirst: THROTTLED_FIRST,
      // Organizations wide open (the test is not about pacing): only the planted throttles.
      rates: Object.fromEntries(Object.keys(FAST_RATES).map((op) => [`organizations:${op}`, FAST_RATES[op]])),
    })
    const members = sim.org.accounts.filter((a) => a.index > 0)
    missing = members.find((a) => a.roleMissing)!.id
    const reachable = members.filter((a) => !a.roleMissing)
    planted = reachable[0].id
    clean = reachable[1].id
    sim.generator.plant(planted, PLANTED)
    process.env.AWS_ENDPOINT_URL = sim.url
    const sources = createSourceResolver({
      aws: {
        region: REGIONS[0],
        regions: REGIONS,
        auditRoleName: 'OrgwardenAudit',
        baseCredentials: async () => ({
          accessKeyId: 'AKIASIMULATEDBASE001',
          secretAccessKey: 'simulatedBaseSecretKey0123456789abcdefghij',
        }),
        organizationsRates: FAST_RATES,
      },
    })
    ctx = await createTestContext({ store: 'postgres', sources, allowedRegions: REGIONS })
    ;({ id: sweepId, sweep } = await sweepAws())
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/v1/sweeps/${sweepId}/accounts?limit=100`,
      headers: ctx.auth('read'),
    })
    assert.equal(list.statusCode, 200, list.body)
    items = list.json().items
  })

  after(async () => {
    await ctx?.close()
    await ctx?.sources.close()
    await sim?.close()
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL
    else process.env.AWS_ENDPOINT_URL = previousEndpoint
  })

  test('the sweep completes: every reachable account collected, the one without its role unreachable', () => {
    assert.equal(sweep.status, 'completed', JSON.stringify(sweep))
    assert.deepEqual(sweep.progress, {
      total: 6,
      done: 6,
      failed: 1,
      byStatus: { pending: 0, running: 0, collected: 5, unreachable: 1, failed: 0, cancelled: 0 },
    })
    const byId = new Map(items.map((a) => [a.accountId, a]))
    assert.equal(byId.get(missing)?.status, 'unreachable')
    assert.match(
      byId.get(missing)?.reason ?? '',
      new RegExp(`role OrgwardenAudit missing in account ${missing}`),
    )
    for (const account of sim.org.accounts.filter((a) => a.id !== missing))
      assert.equal(byId.get(account.id)?.status, 'collected', account.id)
  })

  test('what the simulator generated is what got stored, through the SDK parsers', async () => {
    const rows = await ctx.store.handle.db
      .selectFrom('account_snapshots')
      .select(['account_id', 'state'])
      .where('sweep_id', '=', sweepId)
      .execute()
    assert.equal(rows.length, 5)
    for (const row of rows) {
      const state = JSON.parse(row.state) as {
        users: Array<{ name: string }>
        roles: Array<{ name: string; trustPolicy: unknown }>
        groups: unknown[]
        credentialReport: unknown[]
        regions: Record<string, unknown>
        gaps: unknown[]
      }
      assert.equal(state.users.length, 6, row.account_id)
      assert.equal(state.roles.length, 18, row.account_id)
      assert.equal(state.groups.length, 4, row.account_id)
      // One row per user plus the root's.
      assert.equal(state.credentialReport.length, 6, row.account_id)
      assert.deepEqual(Object.keys(state.regions).sort(), [...REGIONS].sort())
      assert.deepEqual(state.gaps, [], row.account_id)
      assert.ok(state.roles.some((r) => r.name === 'OrgwardenAudit'))
    }
  })

  test('planted misconfigurations become findings; a clean account has none of them', async () => {
    const rulesOf = async (accountId: string) => {
      const seen = new Set<string>()
      let cursor: string | null = null
      do {
        const query: string = `accountId=${accountId}&limit=200${cursor ? `&cursor=${cursor}` : ''}`
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/v1/findings?${query}`,
          headers: ctx.auth('read'),
        })
        assert.equal(res.statusCode, 200, res.body)
        const body = res.json() as { items: Array<{ ruleId: string }>; nextCursor: string | null }
        for (const f of body.items) seen.add(f.ruleId)
        cursor = body.nextCursor
      } while (cursor)
      return seen
    }
    const plantedRules = await rulesOf(planted)
    const cleanRules = await rulesOf(clean)
    for (const rule of PLANTED_RULES) {
      assert.ok(
        plantedRules.has(rule),
        `${rule} not raised for the planted account (got ${[...plantedRules]})`,
      )
      assert.ok(!cleanRules.has(rule), `${rule} raised for the clean account`)
    }
    // The clean account is as the generator says: nothing planted there by chance.
    const profile = accountProfile(sim.org, sim.org.accountById.get(clean)!)
    assert.equal(profile.rootAccessKey, false)
    assert.equal(profile.passwordPolicy, 'strong')
  })

  test('throttled calls were retried by the SDK and succeeded, and the call accounting matches AWS', () => {
    for (const api of THROTTLED_FIRST)
      assert.ok((sim.stats.throttled[api] ?? 0) >= 1, `${api} was never throttled`)
    const collected = items.filter((a) => a.status === 'collected')
    const apis = items.map((a) => a.stats?.api).filter((s): s is CallStats => Boolean(s))
    assert.equal(apis.length, 6)
    for (const account of collected) {
      const api = account.stats?.api
      assert.ok(api, account.accountId)
      // GetAccountSummary, DescribeTrails, DescribeConfigurationRecorders and ListAnalyzers were
      // each refused once for this account, then answered.
      assert.ok(api.throttled >= 4, `${account.accountId}: ${api.throttled} throttled`)
      assert.equal(api.retries, api.throttled)
      const expectedErrors =
        account.accountId === planted ? { 'iam:GetAccountPasswordPolicy NoSuchEntity': 1 } : {}
      assert.deepEqual(api.errors, expectedErrors, account.accountId)
    }
    // Orgwarden counts requests once and retries apart; the simulator saw every attempt. Both
    // views of the accounts' traffic agree (the organization read is not an account's).
    const accountRequests = Object.entries(sim.stats.calls)
      .filter(([api]) => !api.startsWith('organizations:'))
      .reduce((sum, [, n]) => sum + n, 0)
    const reported = apis.reduce((sum, api) => sum + api.totalCalls + api.retries, 0)
    assert.equal(reported, accountRequests)
    const accountThrottles = Object.entries(sim.stats.throttled)
      .filter(([api]) => !api.startsWith('organizations:'))
      .reduce((sum, [, n]) => sum + n, 0)
    assert.equal(
      apis.reduce((sum, api) => sum + api.throttled, 0),
      accountThrottles,
    )
  })

  test('account tags: read beside the account phase, kept, and given to the next sweep without asking again', async () => {
    const accountIds = sim.org.accounts.map((a) => a.id)
    // The tag job runs beside the account phase; it may end after the sweep does.
    await waitFor(
      'every account tag kept',
      async () => (await ctx.store.accountTags.get(accountIds)).size === accountIds.length,
      20_000,
    )
    const expected = (id: string) => {
      const account = sim.org.accountById.get(id)!
      return {
        owner: `team-${account.index % 17}@example.com`,
        'cost-centre': `cc-${1000 + (account.index % 40)}`,
        environment: account.index % 3 === 0 ? 'prod' : 'nonprod',
      }
    }
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/v1/accounts/${planted}`,
      headers: ctx.auth('read'),
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json().account.tags, expected(planted))

    const tagCalls = sim.stats.calls['organizations:ListTagsForResource']
    assert.equal(tagCalls, accountIds.length)
    const second = await sweepAws()
    assert.equal(second.sweep.status, 'completed')
    const secondId = second.id
    const snapshot = await ctx.store.sweeps.orgSnapshot(secondId)
    assert.deepEqual(snapshot?.accounts.find((a) => a.id === clean)?.tags, expected(clean))
    // Read less than a day ago: kept, not asked for again (the tag job finds nothing stale).
    const state = await waitFor(
      "the second sweep's tag job to end",
      async () => {
        const s = await ctx.queues.sweeps.getJobState(`tags-${secondId}`)
        return s === 'completed' || s === 'failed' ? s : undefined
      },
      20_000,
    )
    assert.equal(state, 'completed')
    assert.equal(sim.stats.calls['organizations:ListTagsForResource'], tagCalls)
  })
})
