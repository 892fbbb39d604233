import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { policyFullAdmin, policyServiceWildcard } from '../../src/rules/families/policies.js'
import {
  groupNoUsers,
  policyCloudShellFullAccess,
  policyUnattached,
  principalAdministratorAccess,
} from '../../src/rules/families/policy-hygiene.js'
import {
  addCustomerPolicy,
  demoContext,
  demoState,
  doc,
  findingsOf,
  group,
  ID,
  managedPolicy,
  resourcesOf,
  role,
  run,
  user,
} from './helpers.js'

describe('policy.full-admin', () => {
  test('fires on ops-jane’s inline temp-full-access and quotes the statement', async () => {
    const [finding] = findingsOf(run(policyFullAdmin, demoState(ID.prod), await demoContext(ID.prod)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.prod}:user/ops-jane#inline-policy/temp-full-access`)
    assert.deepEqual(finding.evidence.statements, [
      { index: 0, effect: 'Allow', action: ['*'], resource: ['*'] },
    ])
    assert.deepEqual(finding.evidence.heldBy, [{ kind: 'user', name: 'ops-jane' }])
  })

  test('near miss: old-admin-experiment grants *:* but is attached to nothing', async () => {
    const state = demoState(ID.dev)
    const ctx = await demoContext(ID.dev)
    assert.deepEqual(findingsOf(run(policyFullAdmin, state, ctx)), [])
    // Attached to the developers group it is in use, and fires.
    group(state, 'developers').attachedPolicyArns.push(managedPolicy(state, 'old-admin-experiment').arn)
    managedPolicy(state, 'old-admin-experiment').attachmentCount = 1
    assert.deepEqual(resourcesOf(run(policyFullAdmin, state, ctx)), [
      managedPolicy(state, 'old-admin-experiment').arn,
    ])
  })

  test('judged on meaning: "*:*" on "arn:*:*:*:*:*" is full admin; NotAction and scoped resources are not', async () => {
    const state = demoState(ID.dev)
    const devs = group(state, 'developers')
    addCustomerPolicy(
      state,
      'spelled-differently',
      doc({ Effect: 'Allow', Action: ['*:*'], Resource: 'arn:*:*:*:*:*' }),
      [devs],
    )
    addCustomerPolicy(state, 'power-user', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), [
      devs,
    ])
    addCustomerPolicy(
      state,
      'one-bucket',
      doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs/*' }),
      [devs],
    )
    const outcome = run(policyFullAdmin, state, await demoContext(ID.dev))
    assert.deepEqual(resourcesOf(outcome), [`arn:aws:iam::${ID.dev}:policy/spelled-differently`])
  })

  test('an unreadable customer policy is incomplete, not passed', async () => {
    const state = demoState(ID.prod)
    managedPolicy(state, 'payments-deploy').document = null
    state.gaps.push({
      api: 'iam:GetAccountAuthorizationDetails',
      reason: 'default version of policy payments-deploy: not returned',
    })
    const outcome = run(policyFullAdmin, state, await demoContext(ID.prod))
    assert.ok(!('unknown' in outcome))
    assert.equal(outcome.findings.length, 1)
    assert.match(outcome.incomplete?.[0].reason ?? '', /payments-deploy.*not read/)
  })
})

describe('policy.service-wildcard', () => {
  test('fires on a customer policy granting ecs:*', async () => {
    const state = demoState(ID.prod)
    const policy = managedPolicy(state, 'payments-deploy')
    policy.document = doc({ Effect: 'Allow', Action: ['ecs:*', 'ecr:GetAuthorizationToken'], Resource: '*' })
    const [finding] = findingsOf(run(policyServiceWildcard, state, await demoContext(ID.prod)))
    assert.equal(finding.resourceArn, policy.arn)
    assert.deepEqual(finding.evidence.patterns, ['ecs:*'])
  })

  test('near miss: ecs:Describe* and ecs:Update* cover part of the service; * is full-admin’s finding', async () => {
    const state = demoState(ID.prod)
    managedPolicy(state, 'payments-deploy').document = doc({
      Effect: 'Allow',
      Action: ['ecs:Describe*', 'ecs:Update*'],
      Resource: '*',
    })
    // ops-jane's inline `*` is not a service wildcard.
    assert.deepEqual(findingsOf(run(policyServiceWildcard, state, await demoContext(ID.prod))), [])
  })

  test('AWS-managed policies are not customer policies (AWSSupportAccess grants support:*)', async () => {
    const state = demoState(ID.network)
    assert.ok(managedPolicy(state, 'AWSSupportAccess').awsManaged)
    assert.deepEqual(findingsOf(run(policyServiceWildcard, state, await demoContext(ID.network))), [])
  })
})

describe('principal.administrator-access', () => {
  test('fires on payments-deployer and OrganizationAccountAccessRole in payments-dev', async () => {
    const outcome = run(principalAdministratorAccess, demoState(ID.dev), await demoContext(ID.dev))
    assert.deepEqual(resourcesOf(outcome), [
      `arn:aws:iam::${ID.dev}:role/OrganizationAccountAccessRole`,
      `arn:aws:iam::${ID.dev}:role/payments-deployer`,
    ])
  })

  test('near miss: ReadOnlyAccess on the developers group, and a customer policy named AdministratorAccess', async () => {
    const state = demoState(ID.dev)
    role(state, 'payments-deployer').attachedPolicyArns = []
    role(state, 'OrganizationAccountAccessRole').attachedPolicyArns = []
    addCustomerPolicy(
      state,
      'AdministratorAccess',
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      [role(state, 'debug-shared')],
    )
    assert.deepEqual(findingsOf(run(principalAdministratorAccess, state, await demoContext(ID.dev))), [])
  })

  test('the management account’s Admins group is the finding, not each of its members', async () => {
    const outcome = run(
      principalAdministratorAccess,
      demoState(ID.management),
      await demoContext(ID.management),
    )
    assert.deepEqual(resourcesOf(outcome), [
      `arn:aws:iam::${ID.management}:group/Admins`,
      `arn:aws:iam::${ID.management}:role/BreakGlassAdmin`,
    ])
  })
})

describe('policy.cloudshell-full-access', () => {
  const cloudShell = 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess'

  test('fires on a group holding AWSCloudShellFullAccess', async () => {
    const state = demoState(ID.dev)
    group(state, 'developers').attachedPolicyArns.push(cloudShell)
    const [finding] = findingsOf(run(policyCloudShellFullAccess, state, await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.dev}:group/developers`)
    assert.equal(finding.evidence.policyArn, cloudShell)
  })

  test('near miss: a customer policy with the same name is not the AWS-managed one', async () => {
    const state = demoState(ID.dev)
    addCustomerPolicy(
      state,
      'AWSCloudShellFullAccess',
      doc({ Effect: 'Allow', Action: 'cloudshell:CreateSession', Resource: '*' }),
      [group(state, 'developers')],
    )
    assert.deepEqual(findingsOf(run(policyCloudShellFullAccess, state, await demoContext(ID.dev))), [])
  })
})

describe('policy.unattached', () => {
  test('fires on old-admin-experiment and says it grants full admin', async () => {
    const [finding] = findingsOf(run(policyUnattached, demoState(ID.dev), await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.dev}:policy/old-admin-experiment`)
    assert.equal(finding.evidence.grantsFullAdmin, true)
  })

  test('near miss: the same policy used as a permissions boundary is in use', async () => {
    const state = demoState(ID.dev)
    const policy = managedPolicy(state, 'old-admin-experiment')
    policy.permissionsBoundaryUsageCount = 1
    user(state, 'dev-sam').permissionsBoundaryArn = policy.arn
    assert.deepEqual(findingsOf(run(policyUnattached, state, await demoContext(ID.dev))), [])
  })
})

describe('group.no-users', () => {
  test('fires on developers once dev-sam leaves it', async () => {
    const state = demoState(ID.dev)
    user(state, 'dev-sam').groups = []
    const [finding] = findingsOf(run(groupNoUsers, state, await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.dev}:group/developers`)
    assert.deepEqual(finding.evidence.attachedPolicies, [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      `arn:aws:iam::${ID.dev}:policy/dev-logs-read`,
    ])
  })

  test('near miss: every management-account group has a member', async () => {
    assert.deepEqual(
      findingsOf(run(groupNoUsers, demoState(ID.management), await demoContext(ID.management))),
      [],
    )
  })
})
