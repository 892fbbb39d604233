import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  userAccessKeyNotRotated,
  userKeyUnusedSinceSetup,
  userMultipleActiveKeys,
  userUnusedCredentials,
} from '../../src/rules/families/user-credentials.js'
import {
  userConsoleAndAccessKey,
  userConsoleWithoutMfa,
  userDirectPolicy,
  userMfaMissing,
} from '../../src/rules/families/users.js'
import {
  assertUnknown,
  daysBefore,
  demoContext,
  demoRaw,
  demoState,
  findingsOf,
  ID,
  normalize,
  reportRow,
  resourcesOf,
  run,
  user,
} from './helpers.js'

const arn = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`

describe('user.console-without-mfa', () => {
  test('fires on billing-reader (password, no MFA) and nobody else in the management account', async () => {
    const outcome = run(userConsoleWithoutMfa, demoState(ID.management), await demoContext(ID.management))
    assert.deepEqual(resourcesOf(outcome), [arn(ID.management, 'billing-reader')])
  })

  test('near miss: the same user once an MFA device is active', async () => {
    const state = demoState(ID.management)
    reportRow(state, 'billing-reader').mfaActive = true
    assert.deepEqual(findingsOf(run(userConsoleWithoutMfa, state, await demoContext(ID.management))), [])
  })

  test('a user GAAD lists but the report lacks is unknown, not passed', async () => {
    const state = demoState(ID.management)
    state.credentialReport = state.credentialReport.filter((row) => row.user !== 'billing-reader')
    const outcome = run(userConsoleWithoutMfa, state, await demoContext(ID.management))
    assert.ok(!('unknown' in outcome))
    assert.deepEqual(outcome.findings, [])
    assert.match(outcome.incomplete?.[0].reason ?? '', /no row for billing-reader/)
  })

  test('unknown when the credential report was denied', async () => {
    const raw = demoRaw(ID.management)
    raw.iam!.GetCredentialReport = { Error: { Code: 'AccessDenied', Message: 'denied' } }
    assertUnknown(
      run(userConsoleWithoutMfa, normalize(ID.management, raw), await demoContext(ID.management)),
      /GetCredentialReport/,
    )
  })
})

describe('user.mfa-missing', () => {
  test('fires on every user without MFA, console or not (IAM.19)', async () => {
    const outcome = run(userMfaMissing, demoState(ID.management), await demoContext(ID.management))
    assert.deepEqual(resourcesOf(outcome), [
      arn(ID.management, 'billing-reader'),
      arn(ID.management, 'terraform-ci'),
    ])
  })

  test('near miss: ops-jane has a virtual MFA device; deploy-bot alone fires in payments-prod', async () => {
    const outcome = run(userMfaMissing, demoState(ID.prod), await demoContext(ID.prod))
    assert.deepEqual(resourcesOf(outcome), [arn(ID.prod, 'deploy-bot')])
  })
})

describe('user.unused-credentials', () => {
  test('fires on a password unused for 60 days and names it', async () => {
    const state = demoState(ID.dev)
    reportRow(state, 'dev-sam').passwordLastUsed = daysBefore(60)
    const [finding] = findingsOf(run(userUnusedCredentials, state, await demoContext(ID.dev)))
    assert.equal(finding.resourceArn, arn(ID.dev, 'dev-sam'))
    assert.equal((finding.evidence.credentials as Array<{ credential: string }>)[0].credential, 'password')
  })

  test('near miss: 30 days unused is within the 45-day default; 20 days is stale at days=14', async () => {
    const state = demoState(ID.dev)
    reportRow(state, 'dev-sam').passwordLastUsed = daysBefore(30)
    const ctx = await demoContext(ID.dev)
    assert.deepEqual(findingsOf(run(userUnusedCredentials, state, ctx)), [])
    assert.equal(findingsOf(run(userUnusedCredentials, state, ctx, { days: 14 })).length, 1)
  })

  test('an active key created 100 days ago and never used is stale; an inactive one is not', async () => {
    const state = demoState(ID.prod)
    const key = reportRow(state, 'deploy-bot').accessKeys[1]
    Object.assign(key, {
      lastRotated: daysBefore(100),
      lastUsedDate: null,
      lastUsedRegion: null,
      lastUsedService: null,
    })
    const ctx = await demoContext(ID.prod)
    const [finding] = findingsOf(run(userUnusedCredentials, state, ctx))
    assert.deepEqual(finding.evidence.credentials, [
      { credential: 'access key 2', lastUsed: null, since: key.lastRotated },
    ])
    key.active = false
    assert.deepEqual(findingsOf(run(userUnusedCredentials, state, ctx)), [])
  })
})

describe('user.access-key-not-rotated', () => {
  test('fires on terraform-ci, whose key 1 was last rotated on 2026-05-09', async () => {
    const [finding] = findingsOf(
      run(userAccessKeyNotRotated, demoState(ID.management), await demoContext(ID.management)),
    )
    assert.equal(finding.resourceArn, arn(ID.management, 'terraform-ci'))
    assert.deepEqual(
      (finding.evidence.keys as Array<Record<string, unknown>>).map((k) => [k.key, k.ageDays]),
      [[1, 199]],
    )
  })

  test('near miss: deploy-bot’s keys are 72 and 25 days old; an old key that is inactive does not count', async () => {
    const state = demoState(ID.prod)
    const ctx = await demoContext(ID.prod)
    assert.deepEqual(findingsOf(run(userAccessKeyNotRotated, state, ctx)), [])
    Object.assign(reportRow(state, 'ops-jane').accessKeys[0], { active: false, lastRotated: daysBefore(400) })
    assert.deepEqual(findingsOf(run(userAccessKeyNotRotated, state, ctx)), [])
    assert.equal(findingsOf(run(userAccessKeyNotRotated, state, ctx, { days: 60 })).length, 1)
  })
})

describe('user.multiple-active-keys', () => {
  test('fires on deploy-bot with both keys active', async () => {
    const outcome = run(userMultipleActiveKeys, demoState(ID.prod), await demoContext(ID.prod))
    assert.deepEqual(resourcesOf(outcome), [arn(ID.prod, 'deploy-bot')])
  })

  test('near miss: key 2 deactivated after rotation', async () => {
    const state = demoState(ID.prod)
    reportRow(state, 'deploy-bot').accessKeys[1].active = false
    assert.deepEqual(findingsOf(run(userMultipleActiveKeys, state, await demoContext(ID.prod))), [])
  })
})

describe('user.key-unused-since-setup', () => {
  const withUnusedKey = () => {
    const state = demoState(ID.management)
    Object.assign(reportRow(state, 'alice.admin').accessKeys[0], {
      active: true,
      lastRotated: daysBefore(10),
    })
    return state
  }

  test('fires on a console user with an active key never used in 10 days', async () => {
    const outcome = run(userKeyUnusedSinceSetup, withUnusedKey(), await demoContext(ID.management))
    assert.deepEqual(resourcesOf(outcome), [arn(ID.management, 'alice.admin')])
  })

  test('near miss: the key has been used once', async () => {
    const state = withUnusedKey()
    reportRow(state, 'alice.admin').accessKeys[0].lastUsedDate = daysBefore(2)
    assert.deepEqual(findingsOf(run(userKeyUnusedSinceSetup, state, await demoContext(ID.management))), [])
  })

  test('near miss: a workload user without a password is judged only when consoleUsersOnly is off', async () => {
    const state = demoState(ID.management)
    Object.assign(reportRow(state, 'terraform-ci').accessKeys[1], {
      active: true,
      lastRotated: daysBefore(5),
    })
    const ctx = await demoContext(ID.management)
    assert.deepEqual(findingsOf(run(userKeyUnusedSinceSetup, state, ctx)), [])
    assert.equal(findingsOf(run(userKeyUnusedSinceSetup, state, ctx, { consoleUsersOnly: false })).length, 1)
  })
})

describe('user.direct-policy', () => {
  test('fires on ops-jane and names her inline policy', async () => {
    const [finding] = findingsOf(run(userDirectPolicy, demoState(ID.prod), await demoContext(ID.prod)))
    assert.equal(finding.resourceArn, arn(ID.prod, 'ops-jane'))
    assert.deepEqual(finding.evidence.inlinePolicies, ['temp-full-access'])
  })

  test('near miss: deploy-bot gets its permissions through the deployers group; an attached policy fires', async () => {
    const state = demoState(ID.prod)
    user(state, 'ops-jane').inlinePolicies = []
    const ctx = await demoContext(ID.prod)
    assert.deepEqual(findingsOf(run(userDirectPolicy, state, ctx)), [])
    user(state, 'deploy-bot').attachedPolicyArns.push(`arn:aws:iam::${ID.prod}:policy/payments-deploy`)
    assert.deepEqual(resourcesOf(run(userDirectPolicy, state, ctx)), [arn(ID.prod, 'deploy-bot')])
  })

  test('unknown when GetAccountAuthorizationDetails was denied', async () => {
    const raw = demoRaw(ID.prod)
    raw.iam!.GetAccountAuthorizationDetails = { Error: { Code: 'AccessDenied', Message: 'denied' } }
    assertUnknown(
      run(userDirectPolicy, normalize(ID.prod, raw), await demoContext(ID.prod)),
      /GetAccountAuthorizationDetails/,
    )
  })
})

describe('user.console-and-access-key', () => {
  test('fires on a console user who also has an active access key', async () => {
    const state = demoState(ID.prod)
    Object.assign(reportRow(state, 'ops-jane').accessKeys[0], { active: true, lastRotated: daysBefore(40) })
    const outcome = run(userConsoleAndAccessKey, state, await demoContext(ID.prod))
    assert.deepEqual(resourcesOf(outcome), [arn(ID.prod, 'ops-jane')])
  })

  test('near miss: console users without keys and key users without passwords', async () => {
    assert.deepEqual(
      findingsOf(run(userConsoleAndAccessKey, demoState(ID.management), await demoContext(ID.management))),
      [],
    )
  })
})

describe('credential report rows of deleted users', () => {
  test('a row for a user GAAD no longer lists (deleted after the report) is not judged', async () => {
    const state = demoState(ID.management)
    state.users = state.users.filter((u) => u.name !== 'billing-reader')
    const ctx = await demoContext(ID.management)
    assert.deepEqual(findingsOf(run(userConsoleWithoutMfa, state, ctx)), [])
    assert.deepEqual(resourcesOf(run(userMfaMissing, state, ctx)), [arn(ID.management, 'terraform-ci')])
  })
})
