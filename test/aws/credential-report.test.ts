import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam'
import { readCredentialReport } from '../../src/aws/credential-report-reader.js'
import { gapFor } from '../../src/org/gaps.js'
import { awsError, baseCredentials, SWEEP, testSource } from './helpers.js'
import { CSV_HEADER, createMocks, installHappyAccounts, resetMocks } from './world.js'

const mocks = createMocks()
const ACCOUNT = '700000000007'
const iam = new IAMClient({ region: 'us-east-1', credentials: baseCredentials })
const report = (csv: string) => ({
  Content: new TextEncoder().encode(csv),
  ReportFormat: 'text/csv' as const,
})

/** A clock that only moves when the reader sleeps, and the sleeps it was asked for. */
function fakeTime() {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
  }
}

beforeEach(() => {
  resetMocks(mocks)
  installHappyAccounts(mocks)
})

describe('credential report', () => {
  test('polls GenerateCredentialReport with doubling waits until COMPLETE, then reads it once', async () => {
    mocks.iam
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' })
    mocks.iam.on(GetCredentialReportCommand).resolves(report(`${CSV_HEADER}\n`))
    const time = fakeTime()
    const out = await readCredentialReport({
      iam,
      ...time,
      polling: { initialDelayMs: 100, maxDelayMs: 300, timeoutMs: 10_000 },
    })
    assert.deepEqual(time.sleeps, [100, 200, 300])
    assert.equal(mocks.iam.commandCalls(GenerateCredentialReportCommand).length, 4)
    assert.equal(mocks.iam.commandCalls(GetCredentialReportCommand).length, 1)
    assert.deepEqual(out, { Content: `${CSV_HEADER}\n`, ReportFormat: 'text/csv' })
  })

  test('polling is bounded: a report that never completes is a gap, not a stuck job', async () => {
    mocks.iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' })
    const time = fakeTime()
    const out = await readCredentialReport({
      iam,
      ...time,
      polling: { initialDelayMs: 1_000, maxDelayMs: 4_000, timeoutMs: 10_000 },
    })
    assert.deepEqual(out, {
      Error: {
        Code: 'CredentialReportNotReady',
        Message: 'the credential report was still INPROGRESS when polling stopped',
      },
    })
    assert.deepEqual(time.sleeps, [1_000, 2_000, 4_000])
    assert.equal(mocks.iam.commandCalls(GetCredentialReportCommand).length, 0)
  })

  test('a report replaced between COMPLETE and Get is polled again', async () => {
    mocks.iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(awsError('ReportInProgress', 'being generated', { status: 404 }))
      .resolves(report(`${CSV_HEADER}\n`))
    const time = fakeTime()
    const out = await readCredentialReport({ iam, ...time })
    assert.equal(mocks.iam.commandCalls(GenerateCredentialReportCommand).length, 2)
    assert.equal(time.sleeps.length, 1)
    assert.ok(out && 'Content' in out)
  })

  test('a refused GenerateCredentialReport is a gap on the report, with its code', async () => {
    mocks.iam
      .on(GenerateCredentialReportCommand)
      .rejects(awsError('AccessDenied', 'not allowed to generate', { status: 403 }))
    const state = await testSource().collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.equal(gapFor(state, 'iam:GetCredentialReport')?.reason, 'AccessDenied: not allowed to generate')
    assert.deepEqual(state.credentialReport, [])
    assert.equal(state.root, null)
  })

  test('CSV edge values: BOM, CRLF, quoted commas, N/A, not_supported, no_information, the root row', async () => {
    const rows = [
      `<root_account>,arn:aws:iam::${ACCOUNT}:root,2024-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,false,true,2024-02-01T00:00:00+00:00,2026-11-20T00:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
      // IAM user names may hold commas; the report quotes them.
      `"ops,admin",arn:aws:iam::${ACCOUNT}:user/ops,2025-01-01T00:00:00+00:00,true,no_information,2025-01-02T00:00:00+00:00,N/A,true,true,2025-01-03T00:00:00+00:00,N/A,N/A,N/A,true,2025-06-01T00:00:00+00:00,2026-11-24T08:00:00+00:00,eu-west-1,s3,false,N/A,false,N/A`,
      `bob,arn:aws:iam::${ACCOUNT}:user/bob,2025-03-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,true,2025-03-02T00:00:00+00:00,false,N/A`,
    ]
    mocks.iam
      .on(GetCredentialReportCommand)
      .resolves(report(`\uFEFF${[CSV_HEADER, ...rows].join('\r\n')}\r\n`))
    const state = await testSource().collectAccount(ACCOUNT, { sweepId: SWEEP })
    assert.equal(gapFor(state, 'iam:GetCredentialReport'), undefined)

    assert.equal(state.root?.passwordEnabled, null, 'not_supported')
    assert.equal(state.root?.accessKeys[0].active, true)
    assert.equal(state.root?.accessKeys[0].lastUsedService, 'iam')
    assert.equal(state.root?.passwordLastUsed, '2026-11-01T10:00:00.000Z')

    const [ops, bob] = state.credentialReport
    assert.equal(ops.user, 'ops,admin')
    assert.equal(ops.passwordLastUsed, null)
    assert.equal(ops.passwordLastUsedStatus, 'no_information')
    assert.equal(ops.passwordNextRotation, null, 'N/A')
    assert.equal(ops.accessKeys[0].lastUsedDate, null, 'N/A: never used')
    assert.equal(ops.accessKeys[1].lastUsedRegion, 'eu-west-1')
    assert.equal(bob.passwordEnabled, false)
    assert.equal(bob.passwordLastUsedStatus, 'not_applicable')
    assert.equal(bob.certs[0].active, true)
    assert.equal(state.credentialReportGeneratedAt, null, 'no GeneratedTime in this answer')
  })
})
