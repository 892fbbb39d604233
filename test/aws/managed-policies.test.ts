import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { GetPolicyCommand, GetPolicyVersionCommand, ListPoliciesCommand } from '@aws-sdk/client-iam'
import { gapFor } from '../../src/org/gaps.js'
import { accountOfClient, awsError, iamEncoded, SWEEP, testSource } from './helpers.js'
import { ALLOW_ALL, AWS_POLICIES, createMocks, installHappyAccounts, READ_ONLY, resetMocks } from './world.js'

const mocks = createMocks()
const A = '210000000001'
const B = '220000000002'
const C = '230000000003'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'

beforeEach(() => {
  resetMocks(mocks)
  installHappyAccounts(mocks)
})

const documentOf = (
  state: Awaited<ReturnType<ReturnType<typeof testSource>['collectAccount']>>,
  arn: string,
) => state.managedPolicies.find((p) => p.arn === arn)?.document

describe('AWS-managed policies', () => {
  test('are read once per sweep and shared by every account', async () => {
    const source = testSource()
    const states = await Promise.all([A, B, C].map((id) => source.collectAccount(id, { sweepId: SWEEP })))
    for (const state of states) {
      assert.deepEqual(documentOf(state, ADMIN), ALLOW_ALL)
      assert.deepEqual(documentOf(state, 'arn:aws:iam::aws:policy/ReadOnlyAccess'), READ_ONLY)
      assert.deepEqual(state.gaps, [])
    }
    assert.equal(
      mocks.iam.commandCalls(ListPoliciesCommand).length,
      2,
      'one listing (two pages) for three accounts',
    )
    assert.equal(
      mocks.iam.commandCalls(GetPolicyVersionCommand).length,
      3,
      'one document per policy for three accounts',
    )
    assert.deepEqual(mocks.iam.commandCalls(ListPoliciesCommand)[0].args[0].input.Scope, 'AWS')

    // Whoever fetched is charged; the others are not.
    const charged = [A, B, C].map(
      (id) => source.takeAccountReport(SWEEP, id)?.stats.calls['iam:GetPolicyVersion'] ?? 0,
    )
    assert.equal(
      charged.reduce((sum, n) => sum + n, 0),
      3,
    )
  })

  test('a later sweep re-reads the default versions but not the documents it already has', async () => {
    const source = testSource()
    await source.collectAccount(A, { sweepId: 'sweep-1' })
    await source.collectAccount(A, { sweepId: 'sweep-2' })
    assert.equal(mocks.iam.commandCalls(ListPoliciesCommand).length, 4)
    assert.equal(mocks.iam.commandCalls(GetPolicyVersionCommand).length, 3)
  })

  test('a policy the listing lacks (deprecated ones are not listed) is read with GetPolicy', async () => {
    mocks.iam.on(ListPoliciesCommand).resolves({
      Policies: Object.entries(AWS_POLICIES)
        .filter(([arn]) => arn !== ADMIN)
        .map(([arn, p]) => ({ Arn: arn, PolicyName: p.name, DefaultVersionId: p.version })),
      IsTruncated: false,
    })
    mocks.iam
      .on(GetPolicyCommand, { PolicyArn: ADMIN })
      .resolves({ Policy: { Arn: ADMIN, PolicyName: 'AdministratorAccess', DefaultVersionId: 'v1' } })
    const state = await testSource().collectAccount(A, { sweepId: SWEEP })
    assert.deepEqual(documentOf(state, ADMIN), ALLOW_ALL)
    assert.deepEqual(
      mocks.iam.commandCalls(GetPolicyCommand).map((c) => c.args[0].input.PolicyArn),
      [ADMIN],
    )
  })

  test('a document one account may not read is a gap there, and is not held against the next account', async () => {
    mocks.iam
      .on(GetPolicyVersionCommand)
      .callsFake(async (input: { PolicyArn: string; VersionId: string }, getClient) => {
        if ((await accountOfClient(getClient)) === A && input.PolicyArn === ADMIN) {
          throw awsError('AccessDenied', 'not authorized to perform: iam:GetPolicyVersion', { status: 403 })
        }
        const policy = AWS_POLICIES[input.PolicyArn]
        return {
          PolicyVersion: {
            Document: iamEncoded(policy.document),
            VersionId: policy.version,
            IsDefaultVersion: true,
          },
        }
      })
    const source = testSource()
    const a = await source.collectAccount(A, { sweepId: SWEEP })
    assert.equal(documentOf(a, ADMIN), undefined, 'not listed without its document')
    assert.equal(
      gapFor(a, 'iam:GetPolicyVersion')?.reason,
      `AWS-managed policy ${ADMIN}: AccessDenied: not authorized to perform: iam:GetPolicyVersion`,
    )
    const b = await source.collectAccount(B, { sweepId: SWEEP })
    assert.deepEqual(documentOf(b, ADMIN), ALLOW_ALL)
    assert.deepEqual(b.gaps, [])
  })

  test('without ListPolicies, each policy is read with GetPolicy', async () => {
    mocks.iam.on(ListPoliciesCommand).rejects(awsError('AccessDenied', 'no listing', { status: 403 }))
    mocks.iam.on(GetPolicyCommand).callsFake((input: { PolicyArn: string }) => {
      const policy = AWS_POLICIES[input.PolicyArn]
      return { Policy: { Arn: input.PolicyArn, PolicyName: policy.name, DefaultVersionId: policy.version } }
    })
    const state = await testSource().collectAccount(A, { sweepId: SWEEP })
    assert.deepEqual(documentOf(state, ADMIN), ALLOW_ALL)
    assert.equal(mocks.iam.commandCalls(GetPolicyCommand).length, 3)
    assert.deepEqual(state.gaps, [])
  })
})
