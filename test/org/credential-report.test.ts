import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseCredentialReport } from '../../src/org/credential-report.js'
import { credentialReport } from './fixtures.js'

const ROOT_ROW =
  '<root_account>,arn:aws:iam::123456789012:root,2024-01-02T03:04:05+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2025-05-01T00:00:00+00:00,2026-11-20T12:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A'
const NO_PASSWORD_ROW =
  'ci-bot,arn:aws:iam::123456789012:user/ci-bot,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-05-09T08:00:00+00:00,N/A,N/A,N/A,true,2026-10-01T00:00:00+00:00,2026-11-24T09:00:00+00:00,eu-west-1,s3,false,N/A,false,N/A'
const NEVER_SIGNED_IN_ROW =
  'new-hire,arn:aws:iam::123456789012:user/team/new-hire,2026-11-20T00:00:00+00:00,true,no_information,2026-11-20T00:00:00+00:00,2027-02-18T00:00:00+00:00,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,true,2026-11-20T00:00:00+00:00,false,N/A'

describe('credential report', () => {
  test('the <root_account> row is returned separately, with not_supported password fields as null', () => {
    const parsed = parseCredentialReport(credentialReport(ROOT_ROW, NO_PASSWORD_ROW))
    assert.ok(parsed.ok)
    assert.equal(parsed.users.length, 1)
    assert.equal(parsed.root?.arn, 'arn:aws:iam::123456789012:root')
    assert.equal(parsed.root?.passwordEnabled, null)
    assert.equal(parsed.root?.passwordLastChanged, null)
    assert.equal(parsed.root?.passwordLastUsed, '2026-11-01T10:00:00.000Z')
    assert.equal(parsed.root?.passwordLastUsedStatus, 'used')
    assert.equal(parsed.root?.mfaActive, true)
    assert.deepEqual(parsed.root?.accessKeys[0], {
      n: 1,
      active: true,
      lastRotated: '2025-05-01T00:00:00.000Z',
      lastUsedDate: '2026-11-20T12:00:00.000Z',
      lastUsedRegion: 'us-east-1',
      lastUsedService: 'iam',
    })
  })

  test('N/A means "no password" and differs from no_information ("never signed in")', () => {
    const parsed = parseCredentialReport(credentialReport(NO_PASSWORD_ROW, NEVER_SIGNED_IN_ROW))
    assert.ok(parsed.ok)
    const [bot, hire] = parsed.users
    assert.equal(bot.passwordEnabled, false)
    assert.equal(bot.passwordLastUsed, null)
    assert.equal(bot.passwordLastUsedStatus, 'not_applicable')
    assert.equal(hire.passwordEnabled, true)
    assert.equal(hire.passwordLastUsed, null)
    assert.equal(hire.passwordLastUsedStatus, 'no_information')
    assert.equal(hire.passwordNextRotation, '2027-02-18T00:00:00.000Z')
  })

  test('a key that was never used has a rotation date but null usage; both key slots are kept', () => {
    const parsed = parseCredentialReport(credentialReport(NO_PASSWORD_ROW))
    assert.ok(parsed.ok)
    const [key1, key2] = parsed.users[0].accessKeys
    assert.deepEqual(key1, {
      n: 1,
      active: true,
      lastRotated: '2026-05-09T08:00:00.000Z',
      lastUsedDate: null,
      lastUsedRegion: null,
      lastUsedService: null,
    })
    assert.equal(key2.active, true)
    assert.equal(key2.lastUsedService, 's3')
    assert.equal(parsed.users[0].accessKeys.filter((key) => key.active).length, 2)
  })

  test('signing certificates are read', () => {
    const parsed = parseCredentialReport(credentialReport(NEVER_SIGNED_IN_ROW))
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.users[0].certs, [
      { n: 1, active: true, lastRotated: '2026-11-20T00:00:00.000Z' },
      { n: 2, active: false, lastRotated: null },
    ])
  })

  test('base64 content (the wire form) is decoded', () => {
    const parsed = parseCredentialReport(Buffer.from(credentialReport(ROOT_ROW)).toString('base64'))
    assert.ok(parsed.ok)
    assert.equal(parsed.root?.mfaActive, true)
  })

  test('a report without a root row parses, with root null', () => {
    const parsed = parseCredentialReport(credentialReport(NO_PASSWORD_ROW))
    assert.ok(parsed.ok)
    assert.equal(parsed.root, null)
  })

  test('a report missing documented columns is refused with their names', () => {
    const parsed = parseCredentialReport('user,arn,mfa_active\nbob,arn:aws:iam::1:user/bob,true\n')
    assert.equal(parsed.ok, false)
    assert.match(parsed.ok ? '' : parsed.reason, /lacks columns: user_creation_time, password_enabled/)
  })

  test('empty and malformed reports are refused, not thrown', () => {
    assert.deepEqual(parseCredentialReport(''), { ok: false, reason: 'credential report is empty' })
    const broken = parseCredentialReport(`${credentialReport()}"unterminated,quote\n`)
    assert.equal(broken.ok, false)
  })
})
