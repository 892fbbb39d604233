import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  accountAccessAnalyzerDisabled,
  accountCloudTrailNotMultiRegion,
  accountConfigRecorderOff,
  accountExpiredServerCertificate,
  accountSupportRoleMissing,
} from '../../src/rules/families/account-services.js'
import {
  assertUnknown,
  demoContext,
  demoRaw,
  demoState,
  findingsOf,
  ID,
  normalize,
  resourcesOf,
  role,
  run,
} from './helpers.js'

const denied = { Error: { Code: 'AccessDeniedException', Message: 'not authorized' } }

describe('account.support-role-missing', () => {
  test('fires when no principal of log-archive holds AWSSupportAccess', async () => {
    const state = demoState(ID.logArchive)
    role(state, 'acme-support').attachedPolicyArns = []
    const [finding] = findingsOf(run(accountSupportRoleMissing, state, await demoContext(ID.logArchive)))
    assert.equal(finding.resourceArn, `arn:aws:iam::${ID.logArchive}:root`)
  })

  test('near miss: acme-support holds AWSSupportAccess in every demo account', async () => {
    assert.deepEqual(
      findingsOf(run(accountSupportRoleMissing, demoState(ID.logArchive), await demoContext(ID.logArchive))),
      [],
    )
  })
})

describe('account.access-analyzer-disabled', () => {
  test('fires on payments-prod eu-central-1 only', async () => {
    const outcome = run(accountAccessAnalyzerDisabled, demoState(ID.prod), await demoContext(ID.prod))
    assert.deepEqual(resourcesOf(outcome), [`arn:aws:access-analyzer:eu-central-1:${ID.prod}:analyzer/*`])
  })

  test('network eu-central-1 was denied: unknown there, judged in eu-west-1', async () => {
    const outcome = run(accountAccessAnalyzerDisabled, demoState(ID.network), await demoContext(ID.network))
    assert.ok(!('unknown' in outcome))
    assert.deepEqual(outcome.findings, [])
    assert.deepEqual(
      outcome.incomplete?.map((p) => p.region),
      ['eu-central-1'],
    )
  })

  test('near miss: an unused-access analyzer alone or a disabled analyzer does not count; an active org analyzer does', async () => {
    const state = demoState(ID.audit)
    const ctx = await demoContext(ID.audit)
    const analyzers = state.regions['eu-west-1'].accessAnalyzers
    assert.deepEqual(findingsOf(run(accountAccessAnalyzerDisabled, state, ctx)), [])
    state.regions['eu-west-1'].accessAnalyzers = analyzers.filter(
      (a) => a.type === 'ORGANIZATION_UNUSED_ACCESS',
    )
    assert.equal(findingsOf(run(accountAccessAnalyzerDisabled, state, ctx)).length, 1)
    state.regions['eu-west-1'].accessAnalyzers = analyzers.map((a) => ({ ...a, status: 'DISABLED' }))
    assert.equal(findingsOf(run(accountAccessAnalyzerDisabled, state, ctx)).length, 1)
    state.regions['eu-west-1'].accessAnalyzers = analyzers.filter((a) => a.type === 'ORGANIZATION')
    assert.deepEqual(findingsOf(run(accountAccessAnalyzerDisabled, state, ctx)), [])
  })
})

describe('account.cloudtrail-not-multiregion', () => {
  test('fires on payments-dev, whose only trail covers eu-west-1', async () => {
    const [finding] = findingsOf(
      run(accountCloudTrailNotMultiRegion, demoState(ID.dev), await demoContext(ID.dev)),
    )
    assert.deepEqual(finding.evidence.regionsWithoutLoggingTrail, ['eu-central-1'])
    assert.deepEqual(finding.evidence.trails, [
      { name: 'dev-trail', homeRegion: 'eu-west-1', isMultiRegion: false, isLogging: true },
    ])
  })

  test('near miss: payments-prod’s acme-baseline is multi-region and logging; stopped, it fires', async () => {
    const raw = demoRaw(ID.prod)
    const ctx = await demoContext(ID.prod)
    assert.deepEqual(findingsOf(run(accountCloudTrailNotMultiRegion, normalize(ID.prod, raw), ctx)), [])
    for (const region of Object.values(raw.regions!)) {
      for (const status of Object.values(region.cloudtrail!.GetTrailStatus!)) {
        ;(status as { IsLogging: boolean }).IsLogging = false
      }
    }
    assert.equal(findingsOf(run(accountCloudTrailNotMultiRegion, normalize(ID.prod, raw), ctx)).length, 1)
  })

  test('unknown when the trail’s status could not be read', async () => {
    const raw = demoRaw(ID.prod)
    for (const region of Object.values(raw.regions!)) region.cloudtrail!.GetTrailStatus = {}
    assertUnknown(
      run(accountCloudTrailNotMultiRegion, normalize(ID.prod, raw), await demoContext(ID.prod)),
      /logging status/,
    )
  })

  test('unknown when no region’s trails could be listed', async () => {
    const raw = demoRaw(ID.dev)
    for (const region of Object.values(raw.regions!)) region.cloudtrail!.DescribeTrails = denied
    assertUnknown(
      run(accountCloudTrailNotMultiRegion, normalize(ID.dev, raw), await demoContext(ID.dev)),
      /DescribeTrails/,
    )
  })
})

describe('account.config-recorder-off', () => {
  test('fires on a stopped recorder in payments-prod eu-central-1', async () => {
    const state = demoState(ID.prod)
    state.regions['eu-central-1'].configRecorders[0].recording = false
    const [finding] = findingsOf(run(accountConfigRecorderOff, state, await demoContext(ID.prod)))
    assert.equal(finding.resourceArn, `arn:aws:config:eu-central-1:${ID.prod}:configuration-recorder/*`)
    assert.match(finding.title, /stopped in eu-central-1/)
  })

  test('near miss: recording everywhere (global resource types recorded in one region only is fine)', async () => {
    const state = demoState(ID.prod)
    assert.equal(state.regions['eu-central-1'].configRecorders[0].includeGlobalResourceTypes, false)
    assert.deepEqual(findingsOf(run(accountConfigRecorderOff, state, await demoContext(ID.prod))), [])
  })

  test('no recorder at all fires; a region whose recorder status was denied is incomplete', async () => {
    const raw = demoRaw(ID.dev)
    raw.regions!['eu-central-1'].config!.DescribeConfigurationRecorders = { ConfigurationRecorders: [] }
    raw.regions!['eu-west-1'].config!.DescribeConfigurationRecorderStatus = denied
    const outcome = run(accountConfigRecorderOff, normalize(ID.dev, raw), await demoContext(ID.dev))
    assert.deepEqual(resourcesOf(outcome), [`arn:aws:config:eu-central-1:${ID.dev}:configuration-recorder/*`])
    assert.ok(!('unknown' in outcome))
    assert.deepEqual(
      outcome.incomplete?.map((p) => p.region),
      ['eu-west-1'],
    )
  })
})

describe('account.expired-server-certificate', () => {
  test('fires on legacy-payments-tls (expired 2026-08-31) and not on payments-tls-2027', async () => {
    const outcome = run(accountExpiredServerCertificate, demoState(ID.prod), await demoContext(ID.prod))
    assert.deepEqual(resourcesOf(outcome), [`arn:aws:iam::${ID.prod}:server-certificate/legacy-payments-tls`])
  })

  test('near miss: judged the day before it expired, nothing is expired', async () => {
    const ctx = await demoContext(ID.prod, { now: new Date('2026-08-31T00:00:00Z') })
    assert.deepEqual(findingsOf(run(accountExpiredServerCertificate, demoState(ID.prod), ctx)), [])
  })

  test('unknown when the certificate list was denied', async () => {
    const raw = demoRaw(ID.prod)
    raw.iam!.ListServerCertificates = denied
    assertUnknown(
      run(accountExpiredServerCertificate, normalize(ID.prod, raw), await demoContext(ID.prod)),
      /ListServerCertificates/,
    )
  })
})
