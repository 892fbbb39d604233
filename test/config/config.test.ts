import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config/index.js'

describe('configuration', () => {
  test('an empty environment gives the documented defaults', () => {
    const c = loadConfig({})
    assert.equal(c.port, 3000)
    assert.equal(c.databaseUrl, undefined)
    assert.equal(c.dataDir, './data')
    assert.equal(c.auditRoleName, 'OrgwardenAudit')
    assert.deepEqual(c.allowedRegions, ['us-east-1', 'eu-west-1'])
    assert.equal(c.accountTagsMaxAgeHours, 24)
  })

  test('values are typed and lists are split and trimmed', () => {
    const c = loadConfig({
      PORT: '8080',
      ORGWARDEN_ALLOWED_REGIONS: 'eu-central-1, us-gov-west-1,eu-central-1',
    })
    assert.equal(c.port, 8080)
    assert.deepEqual(c.allowedRegions, ['eu-central-1', 'us-gov-west-1'])
  })

  test('an empty variable counts as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '' }).databaseUrl, undefined)
  })

  const bad: Array<[string, string]> = [
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://db/orgwarden'],
    ['REDIS_URL', 'localhost:6379'],
    ['ORGWARDEN_ALLOWED_REGIONS', 'us-east-1,mars-north-1'],
    ['ORGWARDEN_AUDIT_ROLE_NAME', 'has spaces'],
    ['ORGWARDEN_ADMIN_TOKEN', 'short'],
    ['ORGWARDEN_ACCOUNT_TAGS_MAX_AGE_HOURS', '-1'],
  ]
  for (const [name, value] of bad) {
    test(`${name}=${value} stops the start with a message naming ${name}`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
      )
    })
  }
})
