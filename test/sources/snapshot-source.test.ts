import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SnapshotFileError } from '../../src/org/snapshot-file.js'
import { AccountUnreachableError } from '../../src/org/source.js'
import {
  createSnapshotSource,
  InvalidSnapshotNameError,
  loadSnapshotFile,
  resolveSnapshotPath,
  SnapshotNotFoundError,
} from '../../src/sources/snapshot-source.js'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))
const DEMO = path.join(EXAMPLES, 'demo-org.json')
const CTX = { sweepId: 'sweep-1' }
const SANDBOX = '415629873076'
const SUSPENDED = '637841095298'
const PROD = '415629873054'

describe('snapshot source', () => {
  const source = createSnapshotSource(DEMO)

  test('reads the organization of the file, named after it', async () => {
    assert.equal(source.kind, 'snapshot')
    assert.equal(source.name, 'demo-org')
    const org = await source.readOrganization()
    assert.equal(org.organization.id, 'o-acme4k2p9x')
    assert.equal(org.accounts.length, 9)
  })

  test('readOrganization hands out a copy each time', async () => {
    const first = await source.readOrganization()
    first.accounts.length = 0
    assert.equal((await source.readOrganization()).accounts.length, 9)
  })

  test('collectAccount normalizes the raw data of an account', async () => {
    const state = await source.collectAccount(PROD, CTX)
    assert.equal(state.accountId, PROD)
    assert.ok(state.users.some((user) => user.name === 'deploy-bot'))
    assert.equal(state.collectedAt, '2026-11-25T06:30:00.000Z')
  })

  test('an account marked unreachable fails with its reason', async () => {
    await assert.rejects(source.collectAccount(SANDBOX, CTX), (err: unknown) => {
      assert.ok(err instanceof AccountUnreachableError)
      assert.match(
        err.reason,
        /^role OrgwardenAudit missing or does not trust arn:aws:iam::210987654321:role\//,
      )
      return true
    })
  })

  test('a suspended account without data and an id outside the organization are unreachable', async () => {
    await assert.rejects(
      source.collectAccount(SUSPENDED, CTX),
      /637841095298 is SUSPENDED and snapshot demo-org holds no data/,
    )
    await assert.rejects(source.collectAccount('000000000000', CTX), (err: unknown) => {
      assert.ok(err instanceof AccountUnreachableError)
      assert.equal(err.reason, 'account 000000000000 is not in the organization of snapshot demo-org')
      return true
    })
  })

  test('an aborted signal stops collection', async () => {
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(source.collectAccount(PROD, { ...CTX, signal: controller.signal }), {
      name: 'AbortError',
    })
  })

  test('a source over an already parsed file works the same', async () => {
    const file = await loadSnapshotFile(DEMO)
    const fromObject = createSnapshotSource(file)
    assert.equal(fromObject.name, 'demo-org')
    assert.equal((await fromObject.collectAccount(PROD, CTX)).accountId, PROD)
  })

  test('a broken file fails when the source is created, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orgwarden-snapshot-'))
    const notJson = path.join(dir, 'broken.json')
    writeFileSync(notJson, '{"format": ')
    assert.throws(
      () => createSnapshotSource(notJson),
      (err: unknown) => {
        assert.ok(err instanceof SnapshotFileError)
        assert.match(err.message, /^invalid snapshot file broken\.json: \$ is not valid JSON/)
        return true
      },
    )
    const invalid = path.join(dir, 'invalid.json')
    writeFileSync(invalid, JSON.stringify({ format: 'orgwarden.snapshot/v1', name: 'x' }))
    assert.throws(
      () => createSnapshotSource(invalid),
      /invalid snapshot file invalid\.json: \$ must have required properties/,
    )
  })
})

describe('resolveSnapshotPath', () => {
  test('a name resolves to <name>.json in the examples directory', async () => {
    assert.equal(await resolveSnapshotPath('demo-org', [EXAMPLES]), DEMO)
    assert.equal(await resolveSnapshotPath('demo-org.json', [EXAMPLES]), DEMO)
  })

  test('configured directories are searched in order; the first match wins', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orgwarden-snapshots-'))
    writeFileSync(path.join(dir, 'demo-org.json'), '{}')
    assert.equal(await resolveSnapshotPath('demo-org', [dir, EXAMPLES]), path.join(dir, 'demo-org.json'))
    assert.equal(await resolveSnapshotPath('demo-org', [path.join(dir, 'missing'), EXAMPLES]), DEMO)
  })

  test('path traversal and absolute paths are refused before touching the file system', async () => {
    for (const name of [
      '../package',
      '..',
      '../../etc/passwd',
      '/etc/passwd',
      'a/b',
      'demo-org/../../package',
      '..\\package',
      '.hidden',
      'demo..org',
      '%2e%2e%2fpackage',
      '',
      'x'.repeat(200),
    ]) {
      await assert.rejects(resolveSnapshotPath(name, [EXAMPLES]), InvalidSnapshotNameError, name)
    }
  })

  test('an unknown name is not found, and the message does not reveal directories', async () => {
    await assert.rejects(resolveSnapshotPath('no-such-org', [EXAMPLES]), (err: unknown) => {
      assert.ok(err instanceof SnapshotNotFoundError)
      assert.equal(err.message, 'no snapshot named "no-such-org" in the configured snapshot directories')
      return true
    })
  })

  test('a directory named like a snapshot is not a snapshot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orgwarden-snapshots-'))
    mkdirSync(path.join(dir, 'nested.json'))
    await assert.rejects(resolveSnapshotPath('nested', [dir]), SnapshotNotFoundError)
  })
})
