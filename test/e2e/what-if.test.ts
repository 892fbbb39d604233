import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'

// From examples/README.md: Security (log-archive, audit) lacks deny-leave-organization; NonProd
// holds payments-dev (collected; role payments-deployer has AdministratorAccess and was used the
// day before the capture) and sandbox (unreachable); FullAWSAccess is attached to every OU.
const SECURITY = 'ou-ac3e-secu7k1q'
const NON_PROD = 'ou-ac3e-nonp4v6b'
const SECURITY_ACCOUNTS = ['304518762931', '304518762942']
const PAYMENTS_DEV = '415629873065'
const SANDBOX = '415629873076'

const DENY_LEAVE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }],
}

interface AccountResult {
  accountId: string
  guardrailChanges: { guardrailId: string; before: string; after: string; deciding: { policyId: string }[] }[]
  probeFlips: {
    action: string
    region: string
    before: string
    after: string
    deciding: { policyId: string; sid?: string }[]
    blockedAt?: { targetId: string; name?: string }
  }[]
  recentlyUsedRoles: { roleArn: string; blockedServices: string[]; blockedServiceCount: number }[]
}

describe('POST /v1/scp/what-if on the demo organization', () => {
  let ctx: TestContext
  before(async () => {
    ctx = await createTestContext()
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    await waitForSweep(ctx, res.json().id)
  })
  after(() => ctx.close())

  const whatIf = (payload: Record<string, unknown>) =>
    ctx.app.inject({ method: 'POST', url: '/v1/scp/what-if', headers: ctx.auth('read'), payload })

  test('attaching deny-leave at Security enforces deny-leave-organization there and flips the leave probe', async () => {
    const res = await whatIf({ document: DENY_LEAVE, target: SECURITY })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.deepEqual(body.target, { id: SECURITY, type: 'ORGANIZATIONAL_UNIT', name: 'Security' })
    const accounts = body.accounts as AccountResult[]
    assert.deepEqual(accounts.map((a) => a.accountId).sort(), SECURITY_ACCOUNTS)
    assert.equal(body.summary.accountsWithChanges, 2)
    for (const account of accounts) {
      const change = account.guardrailChanges.find((c) => c.guardrailId === 'deny-leave-organization')
      assert.ok(change, JSON.stringify(account.guardrailChanges))
      assert.equal(change.before, 'not-enforced')
      assert.equal(change.after, 'enforced')
      assert.ok(change.deciding.some((d) => d.policyId === 'p-orgwarden-draft'))
      // Only the changed verdicts are listed, and only the leave probe flips.
      assert.deepEqual(
        account.guardrailChanges.map((c) => c.guardrailId),
        ['deny-leave-organization'],
      )
      assert.deepEqual(
        account.probeFlips.map((f) => [f.action, f.before, f.after]),
        [['organizations:LeaveOrganization', 'Allowed', 'ExplicitlyDenied']],
      )
      assert.equal(account.probeFlips[0]?.deciding[0]?.sid, 'DenyLeave')
      assert.deepEqual(account.recentlyUsedRoles, [])
    }
    assert.match(body.roleUsageMethod, /RoleLastUsed/)
  })

  test('the draft can be given as JSON text, with probes of our own', async () => {
    const res = await whatIf({
      document: JSON.stringify(DENY_LEAVE),
      target: SECURITY_ACCOUNTS[0],
      probes: [
        { action: 'organizations:LeaveOrganization' },
        { action: 's3:PutObject', region: 'eu-west-1' },
      ],
    })
    assert.equal(res.statusCode, 200, res.body)
    const [account] = res.json().accounts as AccountResult[]
    assert.equal(account?.accountId, SECURITY_ACCOUNTS[0])
    assert.deepEqual(
      account?.probeFlips.map((f) => f.action),
      ['organizations:LeaveOrganization'],
    )
  })

  test('detaching FullAWSAccess at NonProd without a replacement blocks everything below it', async () => {
    const res = await whatIf({
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
      },
      target: NON_PROD,
      detachPolicyIds: ['p-FullAWSAccess'],
    })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    const accounts = body.accounts as AccountResult[]
    assert.deepEqual(accounts.map((a) => a.accountId).sort(), [PAYMENTS_DEV, SANDBOX])
    for (const account of accounts) {
      const flipped = new Set(account.probeFlips.map((f) => `${f.action}@${f.region}`))
      for (const probe of [
        'ec2:RunInstances@eu-west-1',
        's3:PutObject@eu-west-1',
        'iam:CreateUser@us-east-1',
      ]) {
        assert.ok(flipped.has(probe), `${account.accountId}: ${probe} should flip: ${[...flipped]}`)
      }
      for (const flip of account.probeFlips) {
        assert.equal(flip.before, 'Allowed')
        assert.notEqual(flip.after, 'Allowed')
      }
      const homeEc2 = account.probeFlips.find(
        (f) => f.action === 'ec2:RunInstances' && f.region === 'eu-west-1',
      )
      assert.equal(homeEc2?.after, 'ImplicitlyDenied')
      assert.deepEqual(homeEc2?.blockedAt, { targetId: NON_PROD, name: 'NonProd' })
      // With nothing allowed, the deny-leave guardrail (already enforced from Workloads) stays,
      // and guardrails that had holes become enforced.
      assert.ok(account.guardrailChanges.length > 0)
      for (const change of account.guardrailChanges) assert.equal(change.after, 'enforced')
    }
    const dev = accounts.find((a) => a.accountId === PAYMENTS_DEV)!
    const deployer = dev.recentlyUsedRoles.find((r) => r.roleArn.endsWith(':role/payments-deployer'))
    assert.ok(deployer, JSON.stringify(dev.recentlyUsedRoles.map((r) => r.roleArn)))
    assert.ok(deployer.blockedServiceCount > 100, String(deployer.blockedServiceCount))
    // sandbox was unreachable: judged with generic principals only, and the answer says so.
    assert.ok(
      body.warnings.some((w: string) => w.includes(SANDBOX)),
      JSON.stringify(body.warnings),
    )
  })

  test('an invalid draft is a 400 naming the path inside body.document', async () => {
    const res = await whatIf({
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] },
      target: SECURITY,
    })
    assert.equal(res.statusCode, 400)
    const fields = res.json().errors.map((e: { field: string }) => e.field)
    assert.ok(fields.includes('body.document.Statement[0].Effect'), JSON.stringify(fields))

    const text = await whatIf({ document: '{"Statement": [', target: SECURITY })
    assert.equal(text.statusCode, 400)
    assert.equal(text.json().errors[0].field, 'body.document')
  })

  test('an unknown target is a 404; an SCP not attached at the target is a 400 naming it', async () => {
    const target = await whatIf({ document: DENY_LEAVE, target: 'ou-ac3e-zzzz9999' })
    assert.equal(target.statusCode, 404)

    const unknown = await whatIf({
      document: DENY_LEAVE,
      target: SECURITY,
      detachPolicyIds: ['p-doesnotexist'],
    })
    assert.equal(unknown.statusCode, 400)
    assert.equal(unknown.json().errors[0].field, 'body.detachPolicyIds[0]')

    const elsewhere = await whatIf({
      document: DENY_LEAVE,
      target: SECURITY,
      detachPolicyIds: ['p-FullAWSAccess', 'p-ec2r7t5y'],
    })
    assert.equal(elsewhere.statusCode, 400)
    assert.equal(elsewhere.json().errors[0].field, 'body.detachPolicyIds[1]')
    assert.match(elsewhere.json().errors[0].message, /not attached/)
  })
})
