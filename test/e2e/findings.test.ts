import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createSourceResolver } from '../../src/sources/resolver.js'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'
import { withDevPasswordPolicy, writeDemoVariants } from '../helpers/demo-variants.js'

const DEV = '415629873065' // payments-dev: planted "no password policy"
const NETWORK = '526730984187' // planted root access key

describe('findings through sweeps', () => {
  let ctx: TestContext
  const sweep = async (name: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name } },
    })
    assert.equal(res.statusCode, 202, res.body)
    const s = await waitForSweep(ctx, res.json().id)
    assert.equal(s.status, 'completed')
    return s
  }
  const findings = async (qs: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/findings?${qs}`, headers: ctx.auth('read') })
    assert.equal(res.statusCode, 200, res.body)
    return res.json().items as Array<Record<string, any>>
  }
  const passwordFinding = async () => (await findings(`accountId=${DEV}&ruleId=password-policy.missing`))[0]

  before(async () => {
    ctx = await createTestContext({
      sources: createSourceResolver({
        snapshotDir: await writeDemoVariants({
          before: (d) => d,
          fixed: withDevPasswordPolicy,
          'dev-unreachable': (d) => {
            d.accounts[DEV] = { unreachable: 'role OrgwardenAudit missing' }
            return d
          },
        }),
      }),
    })
  })
  after(() => ctx.close())

  test('a sweep opens findings with evidence, filterable by severity, account, OU, control and resource', async () => {
    await sweep('before')
    const rootKey = await findings(`control=IAM.4`)
    assert.deepEqual(
      rootKey.map((f) => [f.ruleId, f.accountId]),
      [['root.access-key-present', NETWORK]],
    )
    assert.equal(rootKey[0].severity, 'critical')
    assert.equal(rootKey[0].status, 'open')

    const critical = await findings('severity=critical&limit=500')
    assert.ok(critical.length > 0 && critical.every((f) => f.severity === 'critical'))
    const highPlus = await findings('severity=high&limit=500')
    assert.ok(highPlus.every((f) => ['high', 'critical'].includes(f.severity)))
    assert.ok(highPlus.length > critical.length)

    const workloads = await findings('ouId=ou-ac3e-work3m8z&limit=500')
    assert.ok(workloads.length > 0 && workloads.every((f) => f.ouPath.includes('/ou-ac3e-work3m8z/')))
    const byResource = await findings('resource=role/debug-shared')
    assert.deepEqual(
      byResource.map((f) => f.ruleId),
      ['role.trusts-any-principal'],
    )
    assert.equal((await passwordFinding()).status, 'open')
  })

  test('an account that cannot be collected resolves nothing', async () => {
    await sweep('dev-unreachable')
    assert.equal((await passwordFinding()).status, 'open')
  })

  test('fixed in a later sweep: resolved; back again: reopened, same finding', async () => {
    const first = await passwordFinding()
    await sweep('fixed')
    const resolved = await ctx.app.inject({
      method: 'GET',
      url: `/v1/findings/${first.id}`,
      headers: ctx.auth('read'),
    })
    assert.equal(resolved.json().status, 'resolved')
    assert.ok(resolved.json().resolvedAt)
    await sweep('before')
    const again = await passwordFinding()
    assert.equal(again.id, first.id)
    assert.equal(again.status, 'open')
    assert.equal(again.firstSeenAt, first.firstSeenAt)
    const kinds = await ctx.store.handle.db
      .selectFrom('finding_events')
      .select('kind')
      .where('finding_id', '=', first.id)
      .orderBy('created_at')
      .execute()
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['opened', 'resolved', 'reopened'],
    )
  })

  test('suppress with a reason (write scope), then lift it', async () => {
    const f = await passwordFinding()
    const denied = await ctx.app.inject({
      method: 'POST',
      url: `/v1/findings/${f.id}/suppress`,
      headers: ctx.auth('read'),
      payload: { reason: 'accepted' },
    })
    assert.equal(denied.statusCode, 403)
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/v1/findings/${f.id}/suppress`,
      headers: ctx.auth(),
      payload: { reason: 'accepted', until: '2001-01-01T00:00:00Z' },
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().errors[0].field, 'body.until')
    const ok = await ctx.app.inject({
      method: 'POST',
      url: `/v1/findings/${f.id}/suppress`,
      headers: ctx.auth(),
      payload: { reason: 'sandbox-like account, accepted by security', until: '2099-01-01T00:00:00Z' },
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json().status, 'suppressed')
    assert.equal(ok.json().suppression.by, 'test-write')
    await sweep('before')
    assert.equal(
      (await passwordFinding()).status,
      'suppressed',
      'a sweep keeps a suppression that has not expired',
    )
    const lifted = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/findings/${f.id}/suppress`,
      headers: ctx.auth(),
    })
    assert.equal(lifted.json().status, 'open')
    const twice = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/findings/${f.id}/suppress`,
      headers: ctx.auth(),
    })
    assert.equal(twice.statusCode, 409)
  })

  test('the rule catalogue lists every rule with its mappings', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/rules', headers: ctx.auth('read') })
    const ids = res.json().items.map((r: { id: string }) => r.id)
    for (const id of [
      'root.access-key-present',
      'user.access-key-not-rotated',
      'principal.privilege-escalation',
      'guardrail.deny-leave-organization',
    ]) {
      assert.ok(ids.includes(id), id)
    }
    const rootKey = res.json().items.find((r: { id: string }) => r.id === 'root.access-key-present')
    assert.deepEqual(rootKey.controls.securityHub, ['IAM.4'])
  })

  test('bad filters are 400 naming the field', async () => {
    for (const [qs, field] of [
      ['severity=urgent', 'querystring.severity'],
      ['accountId=12', 'querystring.accountId'],
      ['control=NOPE.1', 'querystring.control'],
      ['color=red', 'querystring.color'],
    ]) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/findings?${qs}`,
        headers: ctx.auth('read'),
      })
      assert.equal(res.statusCode, 400, qs)
      assert.ok(
        res.json().errors.some((e: { field: string }) => e.field === field),
        `${qs}: ${res.body}`,
      )
    }
  })
})

describe('settings', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext()
  })
  after(() => ctx.close())

  test('bad settings are 400 naming each field; nothing is saved', async () => {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/settings',
      headers: ctx.auth(),
      payload: {
        allowedRegions: ['eu-west-1', 'moon-1'],
        rules: { parameters: { 'root.recently-used': { days: 'ninety' } }, disabledRules: ['no.such-rule'] },
      },
    })
    assert.equal(res.statusCode, 400)
    assert.deepEqual(
      res.json().errors.map((e: { field: string }) => e.field),
      ['body.allowedRegions[1]'],
    )
    const rules = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/settings',
      headers: ctx.auth(),
      payload: {
        rules: { parameters: { 'root.recently-used': { nope: 1 } }, disabledRules: ['no.such-rule'] },
      },
    })
    assert.equal(rules.statusCode, 400)
    const fields = rules.json().errors.map((e: { field: string }) => e.field)
    assert.ok(fields.includes('body.rules.parameters.root.recently-used.nope'), fields.join())
    assert.ok(fields.includes('body.rules.disabledRules[0]'), fields.join())
    const get = await ctx.app.inject({ method: 'GET', url: '/v1/settings', headers: ctx.auth('read') })
    assert.deepEqual(get.json().settings, {})
  })

  test('a disabled rule stops producing findings from the next sweep; allowed regions feed the guardrails', async () => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/settings',
      headers: ctx.auth(),
      payload: { allowedRegions: ['eu-west-1', 'eu-central-1'], rules: { disabledRules: ['role.unused'] } },
    })
    assert.equal(put.statusCode, 200, put.body)
    assert.equal(put.json().updatedBy, 'test-write')
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    await waitForSweep(ctx, res.json().id)
    const unused = await ctx.app.inject({
      method: 'GET',
      url: '/v1/findings?ruleId=role.unused',
      headers: ctx.auth('read'),
    })
    assert.equal(unused.json().items.length, 0)
    const region = await ctx.app.inject({
      method: 'GET',
      url: '/v1/findings?ruleId=guardrail.region-allowlist',
      headers: ctx.auth('read'),
    })
    // eu-west-1 and eu-central-1 are what the demo's SCP allows: no region escapes to report.
    assert.equal(region.json().items.length, 0)
  })
})
