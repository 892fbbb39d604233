import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parseSnapshotFile, SNAPSHOT_FORMAT, SnapshotFileError } from '../../src/org/snapshot-file.js'
import { ACC_B, ACC_C, MGMT, OU_A, smallOrg } from './fixtures.js'

const DEMO = new URL('../../examples/demo-org.json', import.meta.url)

function validFile(): Record<string, unknown> & { organization: ReturnType<typeof smallOrg> } {
  return {
    format: SNAPSHOT_FORMAT,
    name: 'small',
    description: 'test organization',
    capturedAt: '2026-11-25T06:30:00Z',
    organization: smallOrg(),
    accounts: {
      [MGMT]: {},
      [ACC_B]: { iam: { GetAccountSummary: { SummaryMap: { AccountMFAEnabled: 1 } } } },
      [ACC_C]: { unreachable: 'role OrgwardenAudit missing' },
    },
  }
}

/** The problems parseSnapshotFile reports, as "path message" lines. */
function problemsOf(json: unknown): string[] {
  try {
    parseSnapshotFile(json)
  } catch (err) {
    assert.ok(err instanceof SnapshotFileError, `expected SnapshotFileError, got ${err}`)
    return err.problems.map((p) => `${p.path} ${p.message}`)
  }
  assert.fail('the file was accepted')
}

describe('parseSnapshotFile', () => {
  test('the demo organization parses and validates', () => {
    const file = parseSnapshotFile(JSON.parse(readFileSync(DEMO, 'utf8')))
    assert.equal(file.name, 'demo-org')
    assert.equal(file.organization.accounts.length, 9)
    assert.equal(Object.keys(file.accounts).length, 8)
  })

  test('a small valid file parses', () => {
    assert.equal(parseSnapshotFile(validFile()).name, 'small')
  })

  test('a wrong enum value is reported at its path with the allowed values', () => {
    const file = validFile()
    ;(file.organization.accounts[2] as { status: string }).status = 'CLOSED'
    assert.deepEqual(problemsOf(file), [
      `$.organization.accounts[2].status must be one of "ACTIVE", "SUSPENDED", "PENDING_CLOSURE"`,
    ])
  })

  test('missing and unknown properties are named', () => {
    const file = validFile()
    delete (file as Record<string, unknown>).capturedAt
    ;(file.organization.organizationalUnits[0] as unknown as Record<string, unknown>).parent = 'r-t3st'
    const problems = problemsOf(file)
    assert.ok(problems.includes('$ must have required properties capturedAt'), problems.join('\n'))
    assert.ok(
      problems.includes('$.organization.organizationalUnits[0] has unknown properties: parent'),
      problems.join('\n'),
    )
  })

  test('the error message names the file and the first problems', () => {
    const file = validFile()
    ;(file.organization.accounts[1] as { joinedAt: string }).joinedAt = 'last tuesday'
    assert.throws(
      () => parseSnapshotFile(file, 'small.json'),
      (err: Error) => {
        assert.equal(
          err.message,
          'invalid snapshot file small.json: $.organization.accounts[1].joinedAt must match format "date-time"',
        )
        return true
      },
    )
  })

  test('a newer format version is refused with a clear message', () => {
    assert.deepEqual(problemsOf({ ...validFile(), format: 'orgwarden.snapshot/v2' }), [
      '$.format unsupported format "orgwarden.snapshot/v2"; this version reads "orgwarden.snapshot/v1"',
    ])
  })

  test('raw account data of the wrong shape is reported under the account id', () => {
    const file = validFile()
    file.accounts = {
      ...(file.accounts as object),
      [MGMT]: { iam: { GetAccountAuthorizationDetails: { UserDetailList: { UserName: 'x' } } } },
    }
    assert.deepEqual(problemsOf(file), [
      `$.accounts['${MGMT}'].iam.GetAccountAuthorizationDetails.UserDetailList must be array`,
    ])
  })

  test('an unreachable entry must be only a non-empty reason', () => {
    const file = validFile()
    file.accounts = { ...(file.accounts as object), [ACC_C]: { unreachable: '', iam: {} } }
    assert.deepEqual(problemsOf(file), [
      `$.accounts['${ACC_C}'] has unknown properties: iam`,
      `$.accounts['${ACC_C}'].unreachable must not have fewer than 1 characters`,
    ])
  })

  test('references must resolve: parents, policy targets, management account', () => {
    const file = validFile()
    file.organization.organizationalUnits[1].parentId = 'ou-t3st-zzzzzzzz'
    file.organization.policies[1].targets.push('999999999999')
    file.organization.organization.managementAccountId = '999999999998'
    assert.deepEqual(problemsOf(file), [
      '$.organization.organization.managementAccountId management account 999999999998 is not among the accounts',
      '$.organization.organizationalUnits[1].parentId parent ou-t3st-zzzzzzzz is not a root or OU',
      '$.organization.policies[1].targets[1] target 999999999999 is not a root, OU or account',
    ])
  })

  test('a parent cycle between OUs is refused', () => {
    const file = validFile()
    file.organization.organizationalUnits[0].parentId = 'ou-t3st-bbbbbbbb'
    const problems = problemsOf(file)
    assert.ok(
      problems.some((p) => p.includes('part of a parent cycle')),
      problems.join('\n'),
    )
  })

  test('every ACTIVE account needs data or a reason; SUSPENDED ones do not; unknown ids are refused', () => {
    const file = validFile()
    file.accounts = { [MGMT]: {}, [ACC_C]: { unreachable: 'x' }, '555555555555': {} }
    assert.deepEqual(problemsOf(file), [
      "$.accounts['555555555555'] account 555555555555 has data but is not in organization.accounts",
      `$.organization.accounts[1] account ${ACC_B} (ACTIVE) has no entry under accounts: add its data or { "unreachable": "<reason>" }`,
    ])
  })

  test('duplicate ids and bad id formats are refused', () => {
    const file = validFile()
    file.organization.organizationalUnits.push({ ...file.organization.organizationalUnits[0] })
    file.organization.accounts[0].parentId = 'Root'
    const problems = problemsOf(file)
    assert.ok(
      problems.some((p) => p.startsWith('$.organization.accounts[0].parentId must match pattern')),
      problems.join('\n'),
    )
    // Integrity is checked only once the shapes are right, so fix the shape and look again.
    file.organization.accounts[0].parentId = OU_A
    assert.deepEqual(problemsOf(file), [`$.organization.organizationalUnits[3].id duplicate id ${OU_A}`])
  })

  test('a value that is not an object is refused at the root', () => {
    assert.deepEqual(problemsOf('demo-org'), ['$ must be object'])
  })
})
