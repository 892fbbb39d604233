import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildRequest,
  buildRequestContext,
  describePrincipal,
  principalArnOf,
} from '../../src/policy/index.js'

describe('request context', () => {
  it('fills the principal keys of an IAM user', () => {
    const ctx = buildRequestContext({
      principal: {
        kind: 'user',
        accountId: '111111111111',
        name: 'alice',
        path: '/eng/',
        uniqueId: 'AIDAEXAMPLE',
        tags: { team: 'blue' },
        orgId: 'o-abc',
        orgPaths: ['o-abc/r-ab12/ou-ab12-11111111/'],
      },
      action: 's3:GetObject',
      region: 'eu-west-1',
      resourceAccountId: '222222222222',
      resourceOrgId: 'o-abc',
    })
    assert.deepEqual(ctx, {
      'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/eng/alice',
      'aws:PrincipalAccount': '111111111111',
      'aws:PrincipalType': 'User',
      'aws:PrincipalIsAWSService': 'false',
      'aws:PrincipalOrgID': 'o-abc',
      'aws:PrincipalOrgPaths': ['o-abc/r-ab12/ou-ab12-11111111/'],
      'aws:username': 'alice',
      'aws:userid': 'AIDAEXAMPLE',
      'aws:PrincipalTag/team': 'blue',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:ResourceAccount': '222222222222',
      'aws:ResourceOrgID': 'o-abc',
    })
  })

  it('describes a role as a session: assumed-role caller, role ARN with path as PrincipalArn', () => {
    const p = {
      kind: 'role' as const,
      accountId: '111111111111',
      name: 'Deploy',
      path: '/ci',
      sessionName: 'run-42',
      uniqueId: 'AROAEXAMPLE',
    }
    assert.deepEqual(describePrincipal(p), {
      kind: 'assumed-role',
      arn: 'arn:aws:sts::111111111111:assumed-role/Deploy/run-42',
      accountId: '111111111111',
      identityArn: 'arn:aws:iam::111111111111:role/ci/Deploy',
    })
    const ctx = buildRequestContext({ principal: p, action: 'x:y' })
    assert.equal(ctx['aws:PrincipalType'], 'AssumedRole')
    assert.equal(ctx['aws:userid'], 'AROAEXAMPLE:run-42')
    assert.equal(ctx['aws:username'], undefined)
  })

  it('describes the root user', () => {
    assert.equal(
      principalArnOf({ kind: 'root', accountId: '111111111111' }),
      'arn:aws:iam::111111111111:root',
    )
    const ctx = buildRequestContext({ principal: { kind: 'root', accountId: '111111111111' }, action: 'x:y' })
    assert.equal(ctx['aws:PrincipalType'], 'Account')
    assert.equal(ctx['aws:userid'], '111111111111')
  })

  it('lets caller keys override ours, whatever their case', () => {
    const ctx = buildRequestContext({
      principal: { kind: 'user', accountId: '111111111111', name: 'alice' },
      action: 'x:y',
      region: 'eu-west-1',
      context: { 'AWS:REQUESTEDREGION': 'us-east-1', 'aws:SourceIp': '203.0.113.1' },
    })
    assert.equal(ctx['aws:RequestedRegion'], undefined)
    assert.equal(ctx['AWS:REQUESTEDREGION'], 'us-east-1')
    assert.equal(ctx['aws:SourceIp'], '203.0.113.1')
  })

  it('builds a request with * as the default resource', () => {
    const r = buildRequest({
      principal: { kind: 'user', accountId: '111111111111', name: 'alice' },
      action: 'ec2:DescribeInstances',
    })
    assert.equal(r.resource, '*')
    assert.equal(r.principal.arn, 'arn:aws:iam::111111111111:user/alice')
  })
})
