/**
 * The demo organization promises a list of planted mistakes (examples/README.md). The rules
 * catalogue and the demos rely on them, so each one is checked here against the normalized
 * state, the way a rule would see it.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { AccountState, JsonObject } from '../../src/org/account-state.js'
import { gapFor } from '../../src/org/gaps.js'
import { buildOrgTree } from '../../src/org/tree.js'
import type { OrgPolicy } from '../../src/org/types.js'
import { createSnapshotSource } from '../../src/sources/snapshot-source.js'

const NOW = Date.parse('2026-11-25T00:00:00Z')
const DAY = 86_400_000
const ID = {
  management: '210987654321',
  logArchive: '304518762931',
  audit: '304518762942',
  prod: '415629873054',
  ledgerProd: '415629873087',
  dev: '415629873065',
  sandbox: '415629873076',
  network: '526730984187',
  suspended: '637841095298',
}

const source = createSnapshotSource(fileURLToPath(new URL('../../examples/demo-org.json', import.meta.url)))
const collect = (id: string) => source.collectAccount(id, { sweepId: 'demo' })

const statements = (doc: JsonObject | null): JsonObject[] => {
  const value = doc?.Statement
  return (Array.isArray(value) ? value : [value]).filter(
    (s): s is JsonObject => typeof s === 'object' && s !== null,
  )
}
const role = (state: AccountState, name: string) => {
  const found = state.roles.find((r) => r.name === name)
  assert.ok(found, `role ${name} exists`)
  return found
}
const reportRow = (state: AccountState, user: string) => {
  const row = state.credentialReport.find((r) => r.user === user)
  assert.ok(row, `credential report row for ${user}`)
  return row
}

describe('demo organization: planted mistakes are present', () => {
  test('1. a root user with an active access key (network)', async () => {
    const state = await collect(ID.network)
    assert.equal(state.root?.accessKeys[0].active, true)
    assert.equal(state.accountSummary?.accountAccessKeysPresent, true)
    for (const id of [ID.management, ID.logArchive, ID.audit, ID.prod, ID.dev]) {
      assert.equal((await collect(id)).accountSummary?.accountAccessKeysPresent, false, id)
    }
  })

  test('2. a root user without MFA (payments-dev); other roots have MFA of some kind', async () => {
    assert.equal((await collect(ID.dev)).rootMfa, 'none')
    assert.equal((await collect(ID.management)).rootMfa, 'virtual')
    assert.equal((await collect(ID.prod)).rootMfa, 'hardware')
  })

  test('3. a console user without MFA (billing-reader)', async () => {
    const row = reportRow(await collect(ID.management), 'billing-reader')
    assert.equal(row.passwordEnabled, true)
    assert.equal(row.mfaActive, false)
  })

  test('4. an access key 200 days old (terraform-ci)', async () => {
    const key = reportRow(await collect(ID.management), 'terraform-ci').accessKeys[0]
    assert.equal(key.active, true)
    assert.equal(Math.round((NOW - Date.parse(key.lastRotated!)) / DAY), 200)
  })

  test('5. a user with two active access keys (deploy-bot)', async () => {
    const keys = reportRow(await collect(ID.prod), 'deploy-bot').accessKeys
    assert.equal(keys.filter((k) => k.active).length, 2)
  })

  test('6. a user with a direct inline *:* policy (ops-jane)', async () => {
    const user = (await collect(ID.prod)).users.find((u) => u.name === 'ops-jane')
    const stmt = statements(user?.inlinePolicies[0].document ?? null)[0]
    assert.deepEqual([stmt.Effect, stmt.Action, stmt.Resource], ['Allow', '*', '*'])
  })

  test('7. AdministratorAccess attached to a role (payments-deployer)', async () => {
    const deployer = role(await collect(ID.dev), 'payments-deployer')
    assert.ok(deployer.attachedPolicyArns.includes('arn:aws:iam::aws:policy/AdministratorAccess'))
  })

  test('8. a role trusting * (debug-shared)', async () => {
    const stmt = statements(role(await collect(ID.dev), 'debug-shared').trustPolicy)[0]
    assert.deepEqual(stmt.Principal, { AWS: '*' })
    assert.equal(stmt.Condition, undefined)
  })

  test('9. a cross-account trust to an external account without ExternalId (vendor-monitoring)', async () => {
    const org = await source.readOrganization()
    const stmt = statements(role(await collect(ID.prod), 'vendor-monitoring').trustPolicy)[0]
    assert.deepEqual(stmt.Principal, { AWS: 'arn:aws:iam::777766665555:root' })
    assert.equal(stmt.Condition, undefined)
    assert.ok(
      !org.accounts.some((a) => a.id === '777766665555'),
      'the trusted account is outside the organization',
    )
  })

  test('10. a service trust without aws:SourceArn or aws:SourceAccount (backup-runner)', async () => {
    const stmt = statements(role(await collect(ID.network), 'backup-runner').trustPolicy)[0]
    assert.deepEqual(stmt.Principal, { Service: 'backup.amazonaws.com' })
    assert.equal(stmt.Condition, undefined)
  })

  test('11. a weak password policy (audit) and 12. no password policy (payments-dev)', async () => {
    const audit = await collect(ID.audit)
    assert.equal(audit.passwordPolicy?.minimumPasswordLength, 8)
    assert.equal(audit.passwordPolicy?.passwordReusePrevention, null)
    const dev = await collect(ID.dev)
    assert.equal(dev.passwordPolicy, null)
    assert.equal(gapFor(dev, 'iam:GetAccountPasswordPolicy'), undefined, 'no policy is a fact, not a gap')
  })

  test('13. an expired server certificate (payments-prod)', async () => {
    const expired = (await collect(ID.prod)).serverCertificates.filter((c) => Date.parse(c.expiration!) < NOW)
    assert.deepEqual(
      expired.map((c) => c.name),
      ['legacy-payments-tls'],
    )
  })

  test('14. Access Analyzer missing in one region (payments-prod eu-central-1), unknown in another', async () => {
    const prod = await collect(ID.prod)
    assert.deepEqual(prod.regions['eu-central-1'].accessAnalyzers, [])
    assert.equal(gapFor(prod, 'access-analyzer:ListAnalyzers'), undefined)
    const network = await collect(ID.network)
    assert.equal(gapFor(network, 'access-analyzer:ListAnalyzers', 'eu-central-1')?.region, 'eu-central-1')
  })

  test('15. only a single-region trail (payments-dev)', async () => {
    const dev = await collect(ID.dev)
    const trails = Object.values(dev.regions).flatMap((r) => r.trails)
    assert.ok(trails.length > 0)
    assert.ok(trails.every((t) => !t.isMultiRegion))
    assert.deepEqual(dev.regions['eu-central-1'].trails, [])
  })

  test('16. one unreachable account, and one suspended account left out of sweeps', async () => {
    const tree = buildOrgTree(await source.readOrganization())
    const scope = tree.resolveScope({ all: true, organizationalUnitIds: [], accountIds: [] })
    assert.equal(scope.accountIds.length, 8)
    assert.deepEqual(scope.excluded, [{ accountId: ID.suspended, status: 'SUSPENDED' }])
    await assert.rejects(collect(ID.sandbox), /role OrgwardenAudit missing or does not trust/)
  })

  test('17. an SCP deny-list that exempts every role, and 18. deny-leave on some OUs only', async () => {
    const org = await source.readOrganization()
    const tree = buildOrgTree(org)
    const policy = (name: string) => org.policies.find((p) => p.name === name) as OrgPolicy
    const protect = JSON.parse(policy('protect-logging').content)
    assert.deepEqual(protect.Statement[0].Condition, {
      ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/*' },
    })

    const denyLeave = policy('deny-leave-organization')
    const coversLeave = (accountId: string) =>
      tree
        .policyChain(accountId, 'SERVICE_CONTROL_POLICY')
        .some((level) => level.policies.some((p) => p.id === denyLeave.id))
    assert.equal(coversLeave(ID.prod), true)
    assert.equal(coversLeave(ID.network), true)
    assert.equal(coversLeave(ID.audit), false)
  })

  test('the SCP chain of payments-prod runs Root → Workloads → Prod → account', async () => {
    const tree = buildOrgTree(await source.readOrganization())
    assert.deepEqual(
      tree
        .policyChain(ID.prod, 'SERVICE_CONTROL_POLICY')
        .map((level) => [level.name, level.policies.map((p) => p.name)]),
      [
        ['Root', ['FullAWSAccess', 'region-allowlist', 'protect-logging']],
        ['Workloads', ['FullAWSAccess', 'deny-leave-organization']],
        ['Prod', ['FullAWSAccess', 'deny-ec2-outside-eu-west-1', 'deny-root-user']],
        ['payments-prod', ['FullAWSAccess']],
      ],
    )
    assert.equal(tree.orgPath(ID.prod), 'o-acme4k2p9x/r-ac3e/ou-ac3e-work3m8z/ou-ac3e-prod9x2c/')
  })

  test('the region allowlist has the 42 global services and a break-glass exemption', async () => {
    const org = await source.readOrganization()
    const content = JSON.parse(org.policies.find((p) => p.name === 'region-allowlist')!.content)
    const stmt = content.Statement[0]
    assert.equal(stmt.NotAction.length, 42)
    assert.deepEqual(stmt.Condition.ArnNotLike, { 'aws:PrincipalARN': 'arn:aws:iam::*:role/BreakGlassAdmin' })
  })

  test('every reachable account normalizes with decoded documents and no unexpected gaps', async () => {
    for (const id of [ID.management, ID.logArchive, ID.audit, ID.prod, ID.ledgerProd, ID.dev, ID.network]) {
      const state = await collect(id)
      const expectedGaps = id === ID.network ? 1 : 0
      assert.equal(state.gaps.length, expectedGaps, `${id}: ${JSON.stringify(state.gaps)}`)
      assert.ok(state.roles.every((r) => r.trustPolicy !== null))
      assert.ok(state.roles.some((r) => r.name === 'OrgwardenAudit'))
      assert.equal(Object.keys(state.regions).sort().join(','), 'eu-central-1,eu-west-1')
    }
  })
})
