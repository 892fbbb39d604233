/**
 * principal.privilege-escalation on the demo accounts: methods are judged with the policy
 * evaluator on effective permissions (identity ∩ boundary ∩ SCP chain), per region.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { AccountState, IamRole, JsonObject } from '../../src/org/account-state.js'
import { buildOrgTree } from '../../src/org/tree.js'
import { principalPrivilegeEscalation as rule } from '../../src/rules/escalation/rule.js'
import type { Finding, RuleContext } from '../../src/rules/index.js'
import {
  addCustomerPolicy,
  demoContext,
  demoOrg,
  demoState,
  doc,
  findingsOf,
  group,
  ID,
  role,
  run,
  user,
} from './helpers.js'

interface Hit {
  method: string
  region?: string
  steps: Array<{ action: string; resource: string; region: string; grantedBy: Array<{ policy: string }> }>
}
const methodsOf = (finding: Finding) => (finding.evidence.methods as Hit[]).map((h) => h.method)

function findingFor(findings: Finding[], arn: string): Finding | undefined {
  return findings.find((f) => f.resourceArn === arn)
}

/** The demo organization with one more SCP attached to `targets`. */
function treeWithScp(name: string, targets: string[], statement: JsonObject) {
  const org = demoOrg()
  org.policies.push({
    id: `p-${name}`,
    arn: `arn:aws:organizations::${ID.management}:policy/o-acme4k2p9x/service_control_policy/p-${name}`,
    name,
    description: '',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: JSON.stringify(doc(statement)),
    targets,
  })
  return buildOrgTree(org)
}

const PROD_OU = 'ou-ac3e-prod9x2c'
const deployBot = `arn:aws:iam::${ID.prod}:user/deploy-bot`

function prodWithKeyMinting(): AccountState {
  const state = demoState(ID.prod)
  addCustomerPolicy(
    state,
    'support-keys',
    doc({
      Sid: 'MintKeys',
      Effect: 'Allow',
      Action: 'iam:CreateAccessKey',
      Resource: `arn:aws:iam::${ID.prod}:user/*`,
    }),
    [group(state, 'deployers')],
  )
  return state
}

describe('principal.privilege-escalation: IAM methods', () => {
  test('fires when a group policy lets deploy-bot create access keys for other users', async () => {
    const findings = findingsOf(run(rule, prodWithKeyMinting(), await demoContext(ID.prod)))
    const finding = findingFor(findings, deployBot)
    assert.ok(finding, 'deploy-bot is reported')
    assert.deepEqual(methodsOf(finding), ['iam:CreateAccessKey'])
    const [hit] = finding.evidence.methods as Hit[]
    assert.equal(hit.steps[0].resource, `arn:aws:iam::${ID.prod}:user/ops-jane`)
    assert.deepEqual(hit.steps[0].grantedBy, [
      { policy: 'support-keys', statement: 0, type: 'identity', sid: 'MintKeys' },
    ])
    assert.equal(finding.evidence.scpChainConsidered, true)
  })

  test('near miss: an SCP on the Prod OU denying iam:CreateAccessKey blocks the method', async () => {
    const tree = treeWithScp('deny-key-minting', [PROD_OU], {
      Effect: 'Deny',
      Action: 'iam:CreateAccessKey',
      Resource: '*',
    })
    const findings = findingsOf(
      run(rule, prodWithKeyMinting(), await demoContext(ID.prod, { orgTree: tree })),
    )
    assert.equal(findingFor(findings, deployBot), undefined)
  })

  test('the same SCP at the root does not protect the management account (SCPs do not apply there)', async () => {
    const state = demoState(ID.management)
    addCustomerPolicy(
      state,
      'key-minting',
      doc({ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: '*' }),
      [group(state, 'BillingReaders')],
    )
    const tree = treeWithScp('deny-key-minting', ['r-ac3e'], {
      Effect: 'Deny',
      Action: 'iam:CreateAccessKey',
      Resource: '*',
    })
    const findings = findingsOf(run(rule, state, await demoContext(ID.management, { orgTree: tree })))
    const finding = findingFor(findings, `arn:aws:iam::${ID.management}:user/billing-reader`)
    assert.deepEqual(finding && methodsOf(finding), ['iam:CreateAccessKey'])
  })

  test('policy variables are resolved: PutUserPolicy on the aws:username variable is escalation on itself', async () => {
    const state = demoState(ID.dev)
    addCustomerPolicy(
      state,
      'self-service',
      doc({
        Effect: 'Allow',
        Action: ['iam:PutUserPolicy', 'iam:ListUserPolicies'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
        Resource: 'arn:aws:iam::*:user/${aws:username}',
      }),
      [group(state, 'developers')],
    )
    const [finding] = findingsOf(run(rule, state, await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.dev}:user/dev-sam`)
    assert.deepEqual(methodsOf(finding), ['iam:PutUserPolicy'])
  })

  test('near miss: the same statement scoped to another user’s name grants nothing on itself', async () => {
    const state = demoState(ID.dev)
    addCustomerPolicy(
      state,
      'self-service',
      doc({
        Effect: 'Allow',
        Action: 'iam:PutUserPolicy',
        Resource: `arn:aws:iam::${ID.dev}:user/someone-else`,
      }),
      [group(state, 'developers')],
    )
    assert.deepEqual(findingsOf(run(rule, state, await demoContext(ID.dev))), [])
  })

  test('a role allowed to rewrite other roles’ trust policies is reported', async () => {
    const state = demoState(ID.network)
    role(state, 'backup-runner').inlinePolicies.push({
      name: 'manage-roles',
      document: doc({
        Effect: 'Allow',
        Action: ['iam:UpdateAssumeRolePolicy', 'iam:GetRole'],
        Resource: `arn:aws:iam::${ID.network}:role/*`,
      }),
    })
    const [finding] = findingsOf(run(rule, state, await demoContext(ID.network)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.network}:role/backup-runner`)
    assert.deepEqual(methodsOf(finding), ['iam:UpdateAssumeRolePolicy'])
  })
})

describe('principal.privilege-escalation: permissions boundaries and administrators', () => {
  function devWithIamStar(boundary: JsonObject | undefined): AccountState {
    const state = demoState(ID.dev)
    addCustomerPolicy(state, 'iam-admin', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }), [
      group(state, 'developers'),
    ])
    if (boundary)
      user(state, 'dev-sam').permissionsBoundaryArn = addCustomerPolicy(state, 'dev-boundary', boundary)
    return state
  }

  test('iam:* through a group: several methods at once', async () => {
    const [finding] = findingsOf(run(rule, devWithIamStar(undefined), await demoContext(ID.dev)))
    const methods = methodsOf(finding)
    for (const m of [
      'iam:AttachUserPolicy',
      'iam:PutUserPolicy',
      'iam:AttachGroupPolicy',
      'iam:UpdateAssumeRolePolicy',
    ]) {
      assert.ok(methods.includes(m), `${m} in ${methods.join(', ')}`)
    }
    // No other user and no other group exist in payments-dev.
    assert.ok(!methods.includes('iam:CreateAccessKey'))
    assert.ok(!methods.includes('iam:AddUserToGroup'))
  })

  test('near miss: a boundary that allows only logs and S3 leaves nothing of iam:*', async () => {
    const boundary = doc({ Effect: 'Allow', Action: ['logs:*', 's3:*'], Resource: '*' })
    assert.deepEqual(findingsOf(run(rule, devWithIamStar(boundary), await demoContext(ID.dev))), [])
  })

  test('a boundary that allows IAM but the principal may delete it: DeleteUserPermissionsBoundary', async () => {
    const boundary = doc({
      Effect: 'Allow',
      Action: ['iam:DeleteUserPermissionsBoundary', 'logs:*'],
      Resource: '*',
    })
    const [finding] = findingsOf(run(rule, devWithIamStar(boundary), await demoContext(ID.dev)))
    assert.deepEqual(methodsOf(finding), ['iam:DeleteUserPermissionsBoundary'])
  })

  test('administrators are left out: ops-jane (inline *:*) and OrganizationAccountAccessRole', async () => {
    const state = demoState(ID.prod)
    user(state, 'ops-jane').inlinePolicies[0].document = doc({ Effect: 'Allow', Action: '*', Resource: '*' })
    assert.deepEqual(findingsOf(run(rule, state, await demoContext(ID.prod))), [])
  })

  test('an administrator with a Deny is judged like anyone else', async () => {
    const state = demoState(ID.prod)
    user(state, 'ops-jane').inlinePolicies.push({
      name: 'no-billing',
      document: doc({ Effect: 'Deny', Action: 'aws-portal:*', Resource: '*' }),
    })
    const finding = findingFor(
      findingsOf(run(rule, state, await demoContext(ID.prod))),
      `arn:aws:iam::${ID.prod}:user/ops-jane`,
    )
    assert.ok(finding && methodsOf(finding).includes('iam:CreateAccessKey'))
  })
})

describe('principal.privilege-escalation: PassRole to compute', () => {
  function lambdaRole(state: AccountState): IamRole {
    const template = role(state, 'debug-shared')
    const lambda: IamRole = {
      ...structuredClone(template),
      name: 'report-builder',
      arn: `arn:aws:iam::${state.accountId}:role/report-builder`,
      id: 'AROAREPORTBUILDER0001',
      trustPolicy: doc({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    }
    state.roles.push(lambda)
    return lambda
  }

  function devWithLambdaDeploy(passRoleCondition?: JsonObject): AccountState {
    const state = demoState(ID.dev)
    addCustomerPolicy(
      state,
      'lambda-deploy',
      doc(
        { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          ...(passRoleCondition ? { Condition: passRoleCondition } : {}),
        },
      ),
      [group(state, 'developers')],
    )
    return state
  }

  test('fires when dev-sam can pass a Lambda-trusted role and create and invoke a function', async () => {
    const state = devWithLambdaDeploy()
    lambdaRole(state)
    const [finding] = findingsOf(run(rule, state, await demoContext(ID.dev)))
    assert.deepEqual(methodsOf(finding), ['iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction'])
    const [hit] = finding.evidence.methods as Hit[]
    assert.deepEqual(
      hit.steps.map((s) => [s.action, s.resource]),
      [
        ['iam:PassRole', `arn:aws:iam::${ID.dev}:role/report-builder`],
        ['lambda:CreateFunction', `arn:aws:lambda:eu-west-1:${ID.dev}:function:orgwarden-probe`],
        ['lambda:InvokeFunction', `arn:aws:lambda:eu-west-1:${ID.dev}:function:orgwarden-probe`],
      ],
    )
  })

  test('near miss: no role in the account trusts Lambda', async () => {
    assert.deepEqual(findingsOf(run(rule, devWithLambdaDeploy(), await demoContext(ID.dev))), [])
  })

  test('near miss: PassRole limited to ECS tasks by iam:PassedToService', async () => {
    const state = devWithLambdaDeploy({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } })
    lambdaRole(state)
    assert.deepEqual(findingsOf(run(rule, state, await demoContext(ID.dev))), [])
  })

  async function prodWithEc2Launch(allowedRegions: string[]): Promise<Finding[]> {
    const state = demoState(ID.prod)
    addCustomerPolicy(
      state,
      'batch-launch',
      doc({ Effect: 'Allow', Action: ['ec2:RunInstances', 'iam:PassRole'], Resource: '*' }),
      [group(state, 'deployers')],
    )
    return findingsOf(run(rule, state, await demoContext(ID.prod, { allowedRegions })))
  }

  test('EC2: the Prod OU’s SCP denies EC2 outside eu-west-1, so eu-central-1 alone is no finding', async () => {
    assert.equal(findingFor(await prodWithEc2Launch(['eu-central-1']), deployBot), undefined)
    const finding = findingFor(await prodWithEc2Launch(['eu-central-1', 'eu-west-1']), deployBot)
    assert.ok(finding)
    const [hit] = finding.evidence.methods as Hit[]
    assert.equal(hit.method, 'iam:PassRole+ec2:RunInstances')
    assert.equal(hit.region, 'eu-west-1')
    assert.equal(hit.steps[0].resource, `arn:aws:iam::${ID.prod}:role/payments-batch-ec2`)
  })
})

describe('principal.privilege-escalation: what it could not judge', () => {
  test('principals holding AWS-managed policies whose documents are not in the state are incomplete', async () => {
    const outcome = run(rule, demoState(ID.logArchive), await demoContext(ID.logArchive))
    assert.ok(!('unknown' in outcome))
    assert.deepEqual(outcome.findings, [])
    assert.match(outcome.incomplete?.[0].reason ?? '', /SecurityAudit.*role OrgwardenAudit/)
  })

  test('a permissions boundary that is not in the state leaves the principal unjudged', async () => {
    const state = demoState(ID.dev)
    user(state, 'dev-sam').permissionsBoundaryArn = `arn:aws:iam::${ID.dev}:policy/missing-boundary`
    const outcome = run(rule, state, await demoContext(ID.dev))
    assert.ok(!('unknown' in outcome))
    assert.ok(
      outcome.incomplete?.some((p) => /dev-sam: permissions boundary .*missing-boundary/.test(p.reason)),
    )
  })

  test('without organization context the chain is not considered and the evidence says so', async () => {
    const ctx: RuleContext = { ...(await demoContext(ID.prod)), orgTree: undefined, scpChain: undefined }
    const finding = findingFor(findingsOf(run(rule, prodWithKeyMinting(), ctx)), deployBot)
    assert.equal(finding?.evidence.scpChainConsidered, false)
  })
})
