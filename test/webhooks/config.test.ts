import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { DEFAULT_WEBHOOK_SETTINGS, retrySpanMs } from '../../src/webhooks/settings.js'

describe('webhook configuration', () => {
  test('defaults retry for more than 24 hours and allow no private host', () => {
    const c = loadConfig({}).webhooks
    assert.deepEqual(c, DEFAULT_WEBHOOK_SETTINGS)
    assert.deepEqual(c.allowHosts, [])
    assert.ok(retrySpanMs(c) >= 24 * 3600_000, `${retrySpanMs(c) / 3600_000} h`)
    assert.ok(c.timeoutMs > 0)
  })

  test('the allow-list is split and trimmed; retries and deadline are typed', () => {
    const c = loadConfig({
      ORGWARDEN_WEBHOOK_ALLOW_HOSTS: 'jira.corp.internal, 10.0.0.5,[fd00::1]',
      ORGWARDEN_WEBHOOK_ATTEMPTS: '3',
      ORGWARDEN_WEBHOOK_BACKOFF_MS: '50',
      ORGWARDEN_WEBHOOK_TIMEOUT_MS: '2000',
    }).webhooks
    assert.deepEqual(c.allowHosts, ['jira.corp.internal', '10.0.0.5', '[fd00::1]'])
    assert.equal(c.attempts, 3)
    assert.equal(c.backoffMs, 50)
    assert.equal(c.timeoutMs, 2000)
  })

  for (const [name, value] of [
    ['ORGWARDEN_WEBHOOK_ALLOW_HOSTS', 'jira corp'],
    ['ORGWARDEN_WEBHOOK_ALLOW_HOSTS', 'http://jira/'],
    ['ORGWARDEN_WEBHOOK_ATTEMPTS', '0'],
    ['ORGWARDEN_WEBHOOK_TIMEOUT_MS', 'soon'],
  ]) {
    test(`${name}=${value} stops the start, naming the variable`, () => {
      assert.throws(
        () => loadConfig({ [name!]: value }),
        (err: Error) => {
          assert.ok(err instanceof ConfigError)
          assert.match(err.message, new RegExp(name!))
          return true
        },
      )
    })
  }
})
