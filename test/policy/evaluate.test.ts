/**
 * The shape of evaluation results (details per policy type and per SCP level) and compilation
 * caching. The decisions themselves are covered by the JSON cases.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildRequest,
  compilePolicy,
  evaluate,
  type PolicySet,
  parsePolicyOrThrow,
} from '../../src/policy/index.js'

const scp = (d: unknown) => parsePolicyOrThrow(d, 'scp')
const full = scp({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
const denyEc2 = scp({
  Version: '2012-10-17',
  Statement: [{ Sid: 'NoEc2', Effect: 'Deny', Action: 'ec2:*', Resource: '*' }],
})
const allowAll = parsePolicyOrThrow(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  'identity',
)
const request = (action: string) =>
  buildRequest({
    principal: { kind: 'user', accountId: '111111111111', name: 'alice' },
    action,
    region: 'eu-west-1',
  })

const policies: PolicySet = {
  identity: [{ id: 'admin', name: 'Admin', policy: allowAll }],
  scps: [
    { targetId: 'r-root', name: 'Root', policies: [{ id: 'p-full', name: 'FullAWSAccess', policy: full }] },
    {
      targetId: 'ou-1',
      name: 'Sandbox',
      policies: [
        { id: 'p-full', name: 'FullAWSAccess', policy: full },
        { id: 'p-noec2', name: 'NoEc2', policy: denyEc2 },
      ],
    },
    { targetId: '111111111111', policies: [{ id: 'p-full', name: 'FullAWSAccess', policy: full }] },
  ],
}

describe('evaluation results', () => {
  it('names the deciding deny with its policy, statement and level', () => {
    const r = evaluate(request('ec2:RunInstances'), policies)
    assert.equal(r.decision, 'ExplicitlyDenied')
    assert.deepEqual(r.deciding, [
      {
        policyType: 'scp',
        policyId: 'p-noec2',
        policyName: 'NoEc2',
        statementIndex: 0,
        sid: 'NoEc2',
        effect: 'Deny',
        level: { targetId: 'ou-1', name: 'Sandbox' },
      },
    ])
  })

  it('reports every SCP level with its allows and denies', () => {
    const r = evaluate(request('ec2:RunInstances'), policies)
    const levels = r.details.scp?.levels ?? []
    assert.deepEqual(
      levels.map((l) => [l.targetId, l.allowed, l.allows.length, l.denies.length]),
      [
        ['r-root', true, 1, 0],
        ['ou-1', true, 1, 1],
        ['111111111111', true, 1, 0],
      ],
    )
    assert.equal(r.details.scp?.applies, true)
  })

  it('lists the granting statements of an allowed request', () => {
    const r = evaluate(request('s3:ListAllMyBuckets'), policies)
    assert.equal(r.decision, 'Allowed')
    assert.equal(r.decidedBy, 'identity-policy')
    assert.deepEqual(
      r.deciding.map((d) => [d.policyType, d.policyId]),
      [['identity', 'admin']],
    )
    assert.equal(r.crossAccount, false)
  })

  it('says why SCPs were skipped', () => {
    const slr = buildRequest({
      principal: {
        kind: 'role',
        accountId: '111111111111',
        name: 'AWSServiceRoleForSupport',
        path: '/aws-service-role/support.amazonaws.com/',
      },
      action: 'ec2:RunInstances',
    })
    const r = evaluate(slr, policies)
    assert.equal(r.decision, 'Allowed')
    assert.deepEqual(r.details.scp, {
      applies: false,
      skipReason: 'service-linked-role',
      levels: [],
      allowed: true,
    })
    const mgmt = evaluate(request('ec2:RunInstances'), { ...policies, managementAccountId: '111111111111' })
    assert.equal(mgmt.details.scp?.skipReason, 'management-account')
    assert.equal(mgmt.decision, 'Allowed')
  })

  it('flags cross-account requests', () => {
    const r = evaluate(
      buildRequest({
        principal: { kind: 'user', accountId: '111111111111', name: 'alice' },
        action: 'sqs:SendMessage',
        resource: 'arn:aws:sqs:eu-west-1:222222222222:q',
      }),
      { identity: [{ id: 'admin', policy: allowAll }] },
    )
    assert.equal(r.crossAccount, true)
    assert.equal(r.decision, 'ImplicitlyDenied')
    assert.equal(r.decidedBy, 'resource-policy')
  })

  it('compiles a document once, whichever parsed copy it comes from', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    })
    const a = compilePolicy(parsePolicyOrThrow(text, 'identity'))
    const b = compilePolicy(parsePolicyOrThrow(text, 'identity'))
    const c = compilePolicy(parsePolicyOrThrow(text, 'boundary'))
    assert.equal(a, b)
    assert.notEqual(a, c)
  })

  it('gives the same answer for a request evaluated twice (prepared-request cache)', () => {
    const req = request('ec2:RunInstances')
    assert.equal(evaluate(req, policies).decision, 'ExplicitlyDenied')
    assert.equal(evaluate(req, { identity: policies.identity }).decision, 'Allowed')
  })
})
