import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrgTree, UnknownOrgEntityError } from '../../src/org/tree.js'
import { ACC_B, ACC_C, ACC_SUSPENDED, MGMT, ORG_ID, OU_A, OU_B, OU_C, ROOT, smallOrg } from './fixtures.js'

const tree = buildOrgTree(smallOrg())
const scope = (over: Partial<{ all: boolean; organizationalUnitIds: string[]; accountIds: string[] }>) => ({
  all: false,
  organizationalUnitIds: [],
  accountIds: [],
  ...over,
})

describe('org tree', () => {
  test('pathOf lists ids from the root down to the node', () => {
    assert.deepEqual(tree.pathOf(ACC_B), [ROOT, OU_A, OU_B, ACC_B])
    assert.deepEqual(tree.pathOf(MGMT), [ROOT, MGMT])
    assert.deepEqual(tree.pathOf(OU_B), [ROOT, OU_A, OU_B])
    assert.deepEqual(tree.pathOf(ROOT), [ROOT])
  })

  test('orgPath has the aws:PrincipalOrgPaths form: org/root/OUs/ with a trailing slash', () => {
    assert.equal(tree.orgPath(ACC_B), `${ORG_ID}/${ROOT}/${OU_A}/${OU_B}/`)
    assert.equal(tree.orgPath(MGMT), `${ORG_ID}/${ROOT}/`)
    assert.equal(tree.orgPath(OU_A), `${ORG_ID}/${ROOT}/${OU_A}/`)
    assert.equal(tree.orgPath(ROOT), `${ORG_ID}/${ROOT}/`)
  })

  test('accountsUnder includes nested OUs and every status', () => {
    assert.deepEqual(tree.accountsUnder(OU_A), [ACC_B])
    assert.deepEqual(tree.accountsUnder(OU_C), [ACC_C, ACC_SUSPENDED])
    assert.deepEqual(tree.accountsUnder(ROOT), [MGMT, ACC_B, ACC_C, ACC_SUSPENDED])
    assert.deepEqual(tree.children(ROOT), [OU_A, OU_C, MGMT])
  })

  test('unknown ids throw an error that names them', () => {
    assert.throws(() => tree.pathOf('ou-t3st-nope0000'), UnknownOrgEntityError)
    assert.throws(() => tree.accountsUnder(ACC_B), /100000000002 is not a root, OU or account/)
    assert.throws(() => tree.policyChain(OU_A, 'SERVICE_CONTROL_POLICY'), UnknownOrgEntityError)
  })

  describe('resolveScope', () => {
    test('all: every ACTIVE account; suspended ones are reported as excluded', () => {
      const result = tree.resolveScope(scope({ all: true }))
      assert.deepEqual(result.accountIds, [MGMT, ACC_B, ACC_C])
      assert.deepEqual(result.excluded, [{ accountId: ACC_SUSPENDED, status: 'SUSPENDED' }])
      assert.deepEqual(result.unknownIds, [])
    })

    test('OUs expand to their descendants, joined with named accounts, without duplicates', () => {
      const result = tree.resolveScope(scope({ organizationalUnitIds: [OU_A], accountIds: [ACC_B, MGMT] }))
      assert.deepEqual(result.accountIds, [MGMT, ACC_B])
    })

    test('a root id in organizationalUnitIds means the whole organization', () => {
      assert.deepEqual(tree.resolveScope(scope({ organizationalUnitIds: [ROOT] })).accountIds, [
        MGMT,
        ACC_B,
        ACC_C,
      ])
    })

    test('unknown OU and account ids are reported, so the API can name them', () => {
      const result = tree.resolveScope(
        scope({ organizationalUnitIds: ['ou-t3st-zzzzzzzz', ACC_C], accountIds: ['999999999999', OU_A] }),
      )
      // An account id is not an OU and an OU id is not an account: both are unknown in that list.
      assert.deepEqual(result.unknownIds, ['ou-t3st-zzzzzzzz', ACC_C, '999999999999', OU_A])
      assert.deepEqual(result.accountIds, [])
    })

    test('a suspended account named explicitly is excluded unless includeInactive', () => {
      const named = scope({ accountIds: [ACC_SUSPENDED] })
      assert.deepEqual(tree.resolveScope(named).accountIds, [])
      assert.deepEqual(tree.resolveScope(named).excluded, [{ accountId: ACC_SUSPENDED, status: 'SUSPENDED' }])
      assert.deepEqual(tree.resolveScope(named, { includeInactive: true }).accountIds, [ACC_SUSPENDED])
    })
  })

  test('policyChain runs root → OU → OU → account, one level each, with direct attachments only', () => {
    const chain = tree.policyChain(ACC_B, 'SERVICE_CONTROL_POLICY')
    assert.deepEqual(
      chain.map((level) => [level.targetId, level.targetType, level.policies.map((p) => p.name)]),
      [
        [ROOT, 'ROOT', ['FullAWSAccess']],
        [OU_A, 'ORGANIZATIONAL_UNIT', ['FullAWSAccess', 'deny-at-a']],
        [OU_B, 'ORGANIZATIONAL_UNIT', ['FullAWSAccess', 'deny-at-b']],
        [ACC_B, 'ACCOUNT', ['FullAWSAccess', 'deny-at-b']],
      ],
    )
    assert.equal(chain[1].name, 'A')
  })

  test('policyChain keeps empty levels and filters by policy type', () => {
    const rcp = tree.policyChain(ACC_C, 'RESOURCE_CONTROL_POLICY')
    assert.deepEqual(
      rcp.map((level) => [level.targetId, level.policies.map((p) => p.name)]),
      [
        [ROOT, ['rcp-at-root']],
        [OU_C, []],
        [ACC_C, []],
      ],
    )
  })

  test('management account and enabled policy types', () => {
    assert.equal(tree.isManagementAccount(MGMT), true)
    assert.equal(tree.isManagementAccount(ACC_B), false)
    assert.equal(tree.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY'), true)
    assert.equal(tree.isPolicyTypeEnabled('RESOURCE_CONTROL_POLICY'), false)
    assert.equal(tree.account(ACC_C)?.name, 'c')
    assert.equal(tree.node(OU_B)?.parentId, OU_A)
  })

  test('an inconsistent snapshot is refused when the tree is built', () => {
    const cyclic = smallOrg()
    cyclic.organizationalUnits[0].parentId = OU_B
    assert.throws(() => buildOrgTree(cyclic), /parent cycle/)
    const orphan = smallOrg()
    orphan.accounts[1].parentId = 'ou-t3st-gone0000'
    assert.throws(
      () => buildOrgTree(orphan),
      /100000000002 has parent ou-t3st-gone0000, which is not in the organization/,
    )
  })
})
