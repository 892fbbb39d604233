import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { accountStatus } from '../../src/aws/organization-reader.js'
import { auditRoleArn, partitionOfArn, partitionOfRegion, sessionName } from '../../src/aws/partition.js'

describe('partitions', () => {
  test('from regions, the ISO ones not mistaken for each other', () => {
    assert.deepEqual(
      [
        'us-east-1',
        'eu-west-3',
        'us-gov-west-1',
        'us-gov-east-1',
        'cn-north-1',
        'cn-northwest-1',
        'us-iso-east-1',
        'us-isob-east-1',
        'eu-isoe-west-1',
        'us-isof-south-1',
      ].map(partitionOfRegion),
      [
        'aws',
        'aws',
        'aws-us-gov',
        'aws-us-gov',
        'aws-cn',
        'aws-cn',
        'aws-iso',
        'aws-iso-b',
        'aws-iso-e',
        'aws-iso-f',
      ],
    )
  })

  test('from ARNs, GovCloud and China included; non-ARNs are null', () => {
    assert.equal(
      partitionOfArn('arn:aws-us-gov:organizations::123456789012:organization/o-abc'),
      'aws-us-gov',
    )
    assert.equal(partitionOfArn('arn:aws-cn:iam::123456789012:role/Hub'), 'aws-cn')
    assert.equal(partitionOfArn('arn:aws:iam::123456789012:role/Hub'), 'aws')
    assert.equal(partitionOfArn('arn:mars:iam::1:role/x'), null)
    assert.equal(partitionOfArn('not-an-arn'), null)
  })

  test('audit role ARNs carry the partition', () => {
    assert.equal(
      auditRoleArn('aws-us-gov', '123456789012', 'OrgwardenAudit'),
      'arn:aws-us-gov:iam::123456789012:role/OrgwardenAudit',
    )
  })

  test('session names keep the characters STS accepts and at most 64 of them', () => {
    assert.equal(
      sessionName('0b9f6a4e-2c1d-4e5f-9a8b-7c6d5e4f3a2b'),
      'orgwarden-0b9f6a4e-2c1d-4e5f-9a8b-7c6d5e4f3a2b',
    )
    assert.equal(sessionName('a b/c:d'), 'orgwarden-a-b-c-d')
    assert.equal(sessionName('x'.repeat(100)).length, 64)
  })

  test('account states map onto the model: State first, then the deprecated Status', () => {
    assert.equal(accountStatus({ State: 'ACTIVE', Status: 'SUSPENDED' }), 'ACTIVE')
    assert.equal(accountStatus({ Status: 'PENDING_CLOSURE' }), 'PENDING_CLOSURE')
    assert.equal(accountStatus({ State: 'CLOSED' }), 'SUSPENDED')
    assert.equal(accountStatus({ State: 'PENDING_ACTIVATION' }), 'SUSPENDED')
  })
})
