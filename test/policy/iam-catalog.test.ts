import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  findAction,
  listActionsMatching,
  parsePolicyOrThrow,
  unknownActions,
} from '../../src/policy/index.js'
import { guardrailCatalog, iamCatalog } from './helpers/catalog.js'

describe('iam-data catalog', () => {
  it('expands action patterns case-insensitively', async () => {
    const catalog = await iamCatalog()
    const keys = listActionsMatching(catalog, 'IAM:*AccessKey*')
    assert.ok(keys.includes('iam:CreateAccessKey'))
    assert.ok(keys.includes('iam:DeleteAccessKey'))
    assert.ok(keys.every((a) => /accesskey/i.test(a) && a.startsWith('iam:')))
    assert.deepEqual(listActionsMatching(catalog, 'organizations:LeaveOrganization'), [
      'organizations:LeaveOrganization',
    ])
    assert.deepEqual(listActionsMatching(catalog, 'nosuchservice:*'), [])
  })

  it('expands a wildcard service part across services', async () => {
    const catalog = await iamCatalog()
    const any = listActionsMatching(catalog, '*:DeleteDetector')
    assert.ok(any.includes('guardduty:DeleteDetector'))
  })

  it('knows access levels, resource types and RCP services', async () => {
    const catalog = await iamCatalog()
    const leave = findAction(catalog, 'organizations:leaveorganization')
    assert.equal(leave?.name, 'organizations:LeaveOrganization')
    assert.ok(leave?.accessLevels.includes('Write'))
    assert.ok(findAction(catalog, 'iam:CreateAccessKey')?.resourceTypes.some((r) => r.name === 'user'))
    assert.ok(catalog.rcpServices.has('s3') && catalog.rcpServices.has('kms'))
    assert.ok(!catalog.rcpServices.has('ec2'))
  })
})

describe('unknown actions', () => {
  it('lists action patterns that match nothing in the catalog', async () => {
    const catalog = await iamCatalog()
    const policy = parsePolicyOrThrow(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjekt', 'ec2:Describe*'], Resource: '*' },
          { Effect: 'Deny', NotAction: ['iam:*', 'nosuch:*'], Resource: '*' },
        ],
      },
      'identity',
    )
    assert.deepEqual(unknownActions(catalog, policy), [
      { path: '$.Statement[0].Action', action: 's3:GetObjekt' },
      { path: '$.Statement[1].NotAction', action: 'nosuch:*' },
    ])
  })
})

describe('region-allowlist probes', () => {
  it('probe every regional service once, with a write action on a regional resource', async () => {
    const catalog = await guardrailCatalog()
    const services = catalog.regional.probes.map((p) => p.service)
    assert.equal(new Set(services).size, services.length, 'one probe per service')
    assert.ok(services.length > 250, `only ${services.length} regional services`)
    for (const s of ['ec2', 'lambda', 's3', 'dynamodb', 'sqs', 'rds'])
      assert.ok(services.includes(s), `${s} missing`)
    const ec2 = catalog.regional.probes.find((p) => p.service === 'ec2')
    assert.match(ec2?.resource('eu-west-3', '111111111111') ?? '', /^arn:aws:ec2:eu-west-3:111111111111:/)
  })

  it('leave out global services and those AWS exempts in its region-deny examples', async () => {
    const catalog = await guardrailCatalog()
    const services = new Set(catalog.regional.probes.map((p) => p.service))
    for (const s of ['iam', 'organizations', 'route53', 'cloudfront', 'sts', 'support', 'kms', 'config']) {
      assert.ok(!services.has(s), `${s} should not be probed`)
    }
  })
})
