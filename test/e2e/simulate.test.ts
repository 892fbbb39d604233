import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestContext, type TestContext, waitForSweep } from '../helpers/context.js'

// From examples/README.md: deny-leave-organization is attached to Workloads and Infrastructure,
// not Security; Prod carries deny-ec2-outside-eu-west-1; the root's region-allowlist allows
// eu-west-1 and eu-central-1; payments-prod's ops-jane has an inline `*:*` policy.
const PAYMENTS_PROD = '415629873054' // Workloads/Prod
const PAYMENTS_DEV = '415629873065' // Workloads/NonProd
const AUDIT = '304518762942' // Security
const MANAGEMENT = '210987654321'

interface Ref {
  policyType: string
  policyId: string
  policyName?: string
  statementIndex: number
  level?: { targetId: string; name?: string }
}

describe('POST /v1/simulate on the demo organization', () => {
  let ctx: TestContext
  let sweepId: string
  before(async () => {
    ctx = await createTestContext()
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: ctx.auth(),
      payload: { source: { type: 'snapshot', name: 'demo-org' } },
    })
    sweepId = (await waitForSweep(ctx, res.json().id)).id
  })
  after(() => ctx.close())

  const simulate = (payload: Record<string, unknown>) =>
    ctx.app.inject({ method: 'POST', url: '/v1/simulate', headers: ctx.auth('read'), payload })

  test('leaving the organization from under Workloads is denied by deny-leave-organization, named with its level', async () => {
    const res = await simulate({
      principal: { kind: 'role', accountId: PAYMENTS_DEV },
      action: 'organizations:LeaveOrganization',
    })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.sweepId, sweepId)
    assert.equal(body.decision, 'ExplicitlyDenied')
    const deny = (body.deciding as Ref[]).find((d) => d.policyName === 'deny-leave-organization')
    assert.ok(deny, JSON.stringify(body.deciding))
    assert.equal(deny.policyType, 'scp')
    assert.equal(deny.policyId, 'p-dl7k2m9q')
    assert.equal(deny.level?.name, 'Workloads')
    assert.equal(body.principal.collected, false)
    assert.ok(
      body.warnings.some((w: string) => w.includes('SCPs')),
      JSON.stringify(body.warnings),
    )
    // The chain is explained level by level: root, Workloads, NonProd, the account.
    assert.deepEqual(
      body.details.scp.levels.map((l: { name: string }) => l.name),
      ['Root', 'Workloads', 'NonProd', 'payments-dev'],
    )
  })

  test('leaving from under Security is allowed as far as SCPs go; the management account is outside SCPs', async () => {
    const security = (
      await simulate({
        principal: { kind: 'role', accountId: AUDIT },
        action: 'organizations:LeaveOrganization',
      })
    ).json()
    assert.equal(security.decision, 'Allowed')
    assert.equal(security.details.scp.allowed, true)

    const management = (
      await simulate({
        principal: { arn: `arn:aws:iam::${MANAGEMENT}:role/BreakGlassAdmin` },
        action: 'organizations:LeaveOrganization',
      })
    ).json()
    assert.equal(management.details.scp.applies, false)
    assert.equal(management.details.scp.skipReason, 'management-account')
    assert.ok(management.warnings.some((w: string) => w.includes('management account')))
  })

  test('EC2 in eu-central-1 is denied in Prod by deny-ec2-outside-eu-west-1 and allowed in NonProd', async () => {
    const prod = (
      await simulate({
        principal: { kind: 'user', accountId: PAYMENTS_PROD },
        action: 'ec2:RunInstances',
        region: 'eu-central-1',
      })
    ).json()
    assert.equal(prod.decision, 'ExplicitlyDenied')
    assert.equal(prod.decidedBy, 'explicit-deny')
    const deny = (prod.deciding as Ref[]).find((d) => d.policyName === 'deny-ec2-outside-eu-west-1')
    assert.ok(deny, JSON.stringify(prod.deciding))
    assert.equal(deny.level?.name, 'Prod')

    const nonProd = (
      await simulate({
        principal: { kind: 'user', accountId: PAYMENTS_DEV },
        action: 'ec2:RunInstances',
        region: 'eu-central-1',
      })
    ).json()
    assert.equal(nonProd.decision, 'Allowed')
    // In eu-west-1 Prod allows it too: the deny is about the region.
    const prodHome = (
      await simulate({
        principal: { kind: 'user', accountId: PAYMENTS_PROD },
        action: 'ec2:RunInstances',
        region: 'eu-west-1',
      })
    ).json()
    assert.equal(prodHome.decision, 'Allowed')
  })

  test("a collected principal's own policies decide: ops-jane's *:* allows, a narrow role does not", async () => {
    const jane = (
      await simulate({
        principal: { arn: `arn:aws:iam::${PAYMENTS_PROD}:user/ops-jane` },
        action: 'iam:CreateUser',
        region: 'eu-west-1',
      })
    ).json()
    assert.equal(jane.decision, 'Allowed')
    assert.equal(jane.principal.collected, true)
    assert.equal(jane.principal.arn, `arn:aws:iam::${PAYMENTS_PROD}:user/ops-jane`)
    const grant = (jane.deciding as Ref[]).find((d) => d.policyType === 'identity')
    assert.equal(grant?.policyName, 'temp-full-access')

    const role = (
      await simulate({
        principal: { arn: `arn:aws:iam::${PAYMENTS_PROD}:role/payments-api` },
        action: 'iam:CreateUser',
        region: 'eu-west-1',
      })
    ).json()
    assert.equal(role.principal.collected, true)
    assert.equal(role.decision, 'ImplicitlyDenied')
    assert.equal(role.decidedBy, 'identity-policy')
    assert.ok(
      role.evaluatedPolicies.identity.some((p: { name?: string }) => p.name === 'payments-api-runtime'),
    )
    // AWS-managed policies whose documents the sweep lacks are named as not evaluated, not guessed.
    const audit = (
      await simulate({
        principal: { arn: `arn:aws:iam::${PAYMENTS_PROD}:role/OrgwardenAudit` },
        action: 'iam:GetRole',
        region: 'eu-west-1',
      })
    ).json()
    assert.equal(audit.principal.collected, true)
    assert.ok(
      audit.warnings.some((w: string) => w.includes('SecurityAudit') && w.includes('not evaluated')),
      JSON.stringify(audit.warnings),
    )
    // Even ops-jane cannot leave the organization: the SCP deny wins over her *:*.
    const leave = (
      await simulate({
        principal: { arn: `arn:aws:iam::${PAYMENTS_PROD}:user/ops-jane` },
        action: 'organizations:LeaveOrganization',
      })
    ).json()
    assert.equal(leave.decision, 'ExplicitlyDenied')
  })

  test('bad inputs are refused naming the field; an account outside the organization is a 404', async () => {
    const action = await simulate({
      principal: { kind: 'role', accountId: AUDIT },
      action: 'ec2:LaunchRocket',
    })
    assert.equal(action.statusCode, 400)
    assert.equal(action.json().errors[0].field, 'body.action')

    const arn = await simulate({ principal: { arn: 'arn:aws:s3:::some-bucket' }, action: 's3:GetObject' })
    assert.equal(arn.statusCode, 400)
    assert.equal(arn.json().errors[0].field, 'body.principal.arn')

    const region = await simulate({
      principal: { kind: 'role', accountId: AUDIT },
      action: 's3:GetObject',
      region: 'Mars',
    })
    assert.equal(region.statusCode, 400)
    assert.equal(region.json().errors[0].field, 'body.region')

    const outside = await simulate({
      principal: { kind: 'role', accountId: '999999999999' },
      action: 's3:GetObject',
    })
    assert.equal(outside.statusCode, 404)
    assert.match(outside.json().detail, /999999999999/)
  })
})
