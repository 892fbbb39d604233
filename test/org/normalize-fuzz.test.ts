import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { normalizeAccount, type RawAccountData } from '../../src/org/normalize.js'
import { ID, OPTIONS } from './raw-account-fixture.js'

// A hand-edited snapshot or a future SDK field must never crash a sweep: whatever the shape,
// the normalizer returns plain JSON (and records what it could not read as gaps).
test('property: never throws on arbitrary GAAD-shaped input, and the result is plain JSON', () => {
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
  const text = fc.oneof(fc.string(), fc.constantFrom('/', '/aws-service-role/x/', '%7B%7D', '{"a":1}', '%E0'))
  const date = fc.oneof(fc.string(), fc.constant('2026-01-01T00:00:00Z'), fc.date({ noInvalidDate: false }))
  const policyList = maybe(
    fc.array(fc.record({ PolicyName: maybe(text), PolicyDocument: maybe(text) }, { requiredKeys: [] })),
  )
  const entity = fc.record(
    {
      UserName: maybe(text),
      RoleName: maybe(text),
      GroupName: maybe(text),
      Arn: maybe(text),
      Path: maybe(text),
      CreateDate: maybe(date),
      UserPolicyList: policyList,
      RolePolicyList: policyList,
      AssumeRolePolicyDocument: maybe(fc.oneof(text, fc.dictionary(fc.string(), fc.jsonValue()))),
      GroupList: maybe(fc.array(text)),
      Tags: maybe(fc.array(fc.record({ Key: maybe(text), Value: maybe(text) }))),
      RoleLastUsed: maybe(
        fc.record({ LastUsedDate: maybe(date), Region: maybe(text) }, { requiredKeys: [] }),
      ),
      AttachedManagedPolicies: maybe(fc.array(fc.record({ PolicyArn: maybe(text) }, { requiredKeys: [] }))),
    },
    { requiredKeys: [] },
  )
  const policy = fc.record(
    {
      Arn: maybe(text),
      DefaultVersionId: maybe(text),
      AttachmentCount: maybe(fc.oneof(fc.integer(), fc.double())),
      PolicyVersionList: maybe(
        fc.array(
          fc.record({
            Document: maybe(text),
            VersionId: maybe(text),
            IsDefaultVersion: maybe(fc.boolean()),
          }),
        ),
      ),
    },
    { requiredKeys: [] },
  )
  const gaad = fc.record(
    {
      UserDetailList: maybe(fc.array(entity)),
      GroupDetailList: maybe(fc.array(entity)),
      RoleDetailList: maybe(fc.array(entity)),
      Policies: maybe(fc.array(policy)),
      IsTruncated: maybe(fc.boolean()),
    },
    { requiredKeys: [] },
  )
  const numbers = fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.double()))
  fc.assert(
    fc.property(gaad, maybe(fc.string()), numbers, numbers, (details, report, summary, policy) => {
      const raw = {
        iam: {
          GetAccountAuthorizationDetails: details,
          GetCredentialReport: { Content: report },
          GetAccountSummary: { SummaryMap: summary },
          GetAccountPasswordPolicy: { PasswordPolicy: { ...policy, ExpirePasswords: true } },
        },
      } as RawAccountData
      const state = normalizeAccount(ID, raw, OPTIONS)
      assert.deepEqual(JSON.parse(JSON.stringify(state)), state)
    }),
    { numRuns: 300 },
  )
})
