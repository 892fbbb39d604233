import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { JsonObject } from '../../src/org/account-state.js'
import {
  roleExternalTrustWithoutExternalId,
  roleServiceTrustWithoutSourceCondition,
  roleTrustsAccountOutsideOrg,
  roleTrustsAnyPrincipal,
  roleUnused,
} from '../../src/rules/families/roles.js'
import { daysBefore, demoContext, demoState, doc, findingsOf, ID, resourcesOf, role, run } from './helpers.js'

const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`
const assume = (principal: JsonObject | string, condition?: JsonObject) =>
  doc({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  })

describe('role.trusts-any-principal', () => {
  test('fires on debug-shared (Principal AWS *, no condition) as critical', async () => {
    const [finding] = findingsOf(run(roleTrustsAnyPrincipal, demoState(ID.dev), await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, roleArn(ID.dev, 'debug-shared'))
    assert.equal(finding.severity, undefined)
  })

  test('near miss: * narrowed to the organization with aws:PrincipalOrgID', async () => {
    const state = demoState(ID.dev)
    role(state, 'debug-shared').trustPolicy = assume(
      { AWS: '*' },
      { StringEquals: { 'aws:PrincipalOrgID': 'o-acme4k2p9x' } },
    )
    assert.deepEqual(findingsOf(run(roleTrustsAnyPrincipal, state, await demoContext(ID.dev))), [])
  })

  test('a condition that does not name the caller (source IP) still fires, as high', async () => {
    const state = demoState(ID.dev)
    role(state, 'debug-shared').trustPolicy = assume('*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })
    const [finding] = findingsOf(run(roleTrustsAnyPrincipal, state, await demoContext(ID.dev)))
    assert.equal(finding.severity, 'high')
  })

  test('a negated or IfExists condition does not pin the caller', async () => {
    const state = demoState(ID.dev)
    role(state, 'debug-shared').trustPolicy = assume(
      { AWS: '*' },
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-acme4k2p9x' } },
    )
    assert.equal(findingsOf(run(roleTrustsAnyPrincipal, state, await demoContext(ID.dev))).length, 1)
  })
})

describe('role.external-trust-without-external-id', () => {
  test('fires on vendor-monitoring, which trusts 777766665555 with no condition', async () => {
    const [finding] = findingsOf(
      run(roleExternalTrustWithoutExternalId, demoState(ID.prod), await demoContext(ID.prod)),
    )
    assert.equal(finding.resourceArn, roleArn(ID.prod, 'vendor-monitoring'))
    assert.deepEqual(finding.evidence.externalAccounts, ['777766665555'])
    assert.deepEqual(finding.evidence.principals, ['arn:aws:iam::777766665555:root'])
  })

  test('near miss: audit’s security-vendor-readonly pins sts:ExternalId; log-reader trusts an account of the org', async () => {
    assert.deepEqual(
      findingsOf(run(roleExternalTrustWithoutExternalId, demoState(ID.audit), await demoContext(ID.audit))),
      [],
    )
    assert.deepEqual(
      findingsOf(
        run(roleExternalTrustWithoutExternalId, demoState(ID.logArchive), await demoContext(ID.logArchive)),
      ),
      [],
    )
  })

  test('an external id under StringEqualsIfExists can simply be left out: it fires', async () => {
    const state = demoState(ID.audit)
    role(state, 'security-vendor-readonly').trustPolicy = assume(
      { AWS: 'arn:aws:iam::999988887777:role/cspm-scanner' },
      { StringEqualsIfExists: { 'sts:ExternalId': 'c8f1e2d4-acme-5b7a' } },
    )
    const outcome = run(roleExternalTrustWithoutExternalId, state, await demoContext(ID.audit))
    assert.deepEqual(resourcesOf(outcome), [roleArn(ID.audit, 'security-vendor-readonly')])
  })

  test('without the organization’s account list every other account is external, unless pinned to the org', async () => {
    const ctx = await demoContext(ID.logArchive, { organizationAccountIds: new Set() })
    const outcome = run(roleExternalTrustWithoutExternalId, demoState(ID.logArchive), ctx)
    // log-reader trusts the audit account under aws:PrincipalOrgID = the organization: still inside.
    assert.deepEqual(resourcesOf(outcome), [roleArn(ID.logArchive, 'OrganizationAccountAccessRole')])
    const noOrg = run(roleExternalTrustWithoutExternalId, demoState(ID.logArchive), {
      ...ctx,
      orgId: undefined,
      orgTree: undefined,
    })
    assert.deepEqual(resourcesOf(noOrg), [
      roleArn(ID.logArchive, 'OrganizationAccountAccessRole'),
      roleArn(ID.logArchive, 'log-reader'),
    ])
  })
})

describe('role.trusts-account-outside-org', () => {
  test('fires (info) on security-vendor-readonly, external id or not', async () => {
    const [finding] = findingsOf(
      run(roleTrustsAccountOutsideOrg, demoState(ID.audit), await demoContext(ID.audit)),
    )
    assert.equal(finding.resourceArn, roleArn(ID.audit, 'security-vendor-readonly'))
    assert.deepEqual(finding.evidence.principals, [
      {
        principal: 'arn:aws:iam::999988887777:role/cspm-scanner',
        accountId: '999988887777',
        externalId: true,
      },
    ])
  })

  test('near miss: OrgwardenAudit trusts the management account’s collector role, inside the organization', async () => {
    assert.deepEqual(
      findingsOf(run(roleTrustsAccountOutsideOrg, demoState(ID.network), await demoContext(ID.network))),
      [],
    )
  })
})

describe('role.service-trust-without-source-condition', () => {
  test('fires on backup-runner, which trusts backup.amazonaws.com with no condition', async () => {
    const [finding] = findingsOf(
      run(roleServiceTrustWithoutSourceCondition, demoState(ID.network), await demoContext(ID.network)),
    )
    assert.equal(finding.resourceArn, roleArn(ID.network, 'backup-runner'))
    assert.deepEqual(finding.evidence.services, ['backup.amazonaws.com'])
  })

  test('near miss: flow-logs-delivery pins aws:SourceAccount and aws:SourceArn; service-linked roles are left out', async () => {
    const state = demoState(ID.network)
    role(state, 'backup-runner').trustPolicy = assume(
      { Service: 'backup.amazonaws.com' },
      { StringEquals: { 'aws:SourceAccount': ID.network } },
    )
    assert.deepEqual(
      findingsOf(run(roleServiceTrustWithoutSourceCondition, state, await demoContext(ID.network))),
      [],
    )
  })

  test('EC2 instance roles are exempt by default and judged when the exemption is removed', async () => {
    const state = demoState(ID.prod)
    const ctx = await demoContext(ID.prod)
    assert.deepEqual(findingsOf(run(roleServiceTrustWithoutSourceCondition, state, ctx)), [])
    const outcome = run(roleServiceTrustWithoutSourceCondition, state, ctx, { exemptServices: [] })
    assert.deepEqual(resourcesOf(outcome), [roleArn(ID.prod, 'payments-batch-ec2')])
  })
})

describe('role.unused', () => {
  test('fires on acme-support (last used 133 days before capture) and never-used security-responder', async () => {
    const outcome = run(roleUnused, demoState(ID.audit), await demoContext(ID.audit))
    assert.deepEqual(resourcesOf(outcome), [
      roleArn(ID.audit, 'OrganizationAccountAccessRole'),
      roleArn(ID.audit, 'acme-support'),
      roleArn(ID.audit, 'security-responder'),
    ])
  })

  test('near miss: debug-shared was created 37 days ago and never used; service-linked roles are left out', async () => {
    const state = demoState(ID.dev)
    const ctx = await demoContext(ID.dev)
    const flagged = resourcesOf(run(roleUnused, state, ctx))
    assert.ok(!flagged.includes(roleArn(ID.dev, 'debug-shared')))
    assert.ok(!flagged.some((arn) => arn.includes('aws-service-role')))
    role(state, 'acme-support').lastUsed = { date: daysBefore(3), region: 'eu-west-1' }
    assert.ok(!resourcesOf(run(roleUnused, state, ctx)).includes(roleArn(ID.dev, 'acme-support')))
    assert.ok(resourcesOf(run(roleUnused, state, ctx, { days: 2 })).includes(roleArn(ID.dev, 'acme-support')))
  })
})
