import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { matches, type WebhookEvent } from '../../src/webhooks/events.js'
import { fingerprintLabel, render } from '../../src/webhooks/formats.js'
import { isPublicAddress, postJson, RefusedTargetError } from '../../src/webhooks/http.js'
import { generateSecret, signatureHeaders } from '../../src/webhooks/signing.js'

// biome-ignore lint/suspicious/noExplicitAny: rendered bodies are checked field by field
type Json = any

const finding = {
  id: '0b5c0f0e-1d2c-4a3b-9e8f-7a6b5c4d3e2f',
  fingerprint: 'f3a9c1d2e4b5a6978',
  ruleId: 'root.access-key-present',
  severity: 'critical' as const,
  status: 'open',
  title: 'The root user has an access key',
  accountId: '526730984187',
  accountName: 'network',
  ouPath: 'o-acme4k2p9x/r-ac3e/ou-ac3e-infr2h5n/',
  resourceArn: 'arn:aws:iam::526730984187:root',
}
const event = (type: WebhookEvent['type'], data: Record<string, unknown> = {}): WebhookEvent => ({
  id: '6f1c1e9a-3b1d-4f7e-8a2c-1d0e9f8a7b6c',
  type,
  timestamp: '2026-12-01T10:00:00.000Z',
  data: { sweepId: '1e2d3c4b-5a69-4788-9766-554433221100', finding: { ...finding }, ...data },
})

/** Atlassian Document Format as Jira Cloud's REST API v3 accepts it: no empty text nodes. */
function assertAdf(doc: Json) {
  assert.equal(doc.type, 'doc')
  assert.equal(doc.version, 1)
  assert.ok(doc.content.length > 0)
  for (const p of doc.content) {
    assert.equal(p.type, 'paragraph')
    for (const t of p.content) {
      assert.equal(t.type, 'text')
      assert.ok(typeof t.text === 'string' && t.text.length > 0)
    }
  }
}

describe('webhook formats', () => {
  const jira = { projectKey: 'SEC', issueType: 'Bug', resolveTransitionId: '31', labels: ['cloud'] }

  test('jira: finding.opened is a create-issue body (fields.project.key, issuetype, summary, ADF description, labels)', () => {
    const { body, headers } = render('jira', jira, event('finding.opened')) as { body: Json; headers: Json }
    assert.deepEqual(Object.keys(body), ['fields'])
    const f = body.fields
    assert.deepEqual(f.project, { key: 'SEC' })
    assert.deepEqual(f.issuetype, { name: 'Bug' })
    assert.equal(typeof f.summary, 'string')
    assert.ok(f.summary.length <= 255 && f.summary.includes(finding.title))
    assert.ok(!f.summary.includes('\n'), 'Jira summaries are one line')
    assertAdf(f.description)
    assert.ok(JSON.stringify(f.description).includes(finding.resourceArn))
    assert.deepEqual(f.labels, ['orgwarden', fingerprintLabel(finding.fingerprint), 'cloud'])
    for (const l of f.labels) assert.doesNotMatch(l, /\s/, 'Jira labels cannot contain spaces')
    assert.deepEqual(f.priority, { name: 'Highest' })
    assert.equal(headers['x-orgwarden-fingerprint'], finding.fingerprint)
  })

  test('jira: finding.resolved is a transitions body with a comment; without a configured transition, the comment alone', () => {
    const withTransition = render('jira', jira, event('finding.resolved')).body as Json
    assert.deepEqual(withTransition.transition, { id: '31' })
    assert.equal(withTransition.update.comment.length, 1)
    assertAdf(withTransition.update.comment[0].add.body)
    const commentOnly = render('jira', { projectKey: 'SEC' }, event('finding.resolved')).body as Json
    assert.deepEqual(Object.keys(commentOnly), ['update'])
    assert.equal(
      (render('jira', { projectKey: 'SEC' }, event('finding.opened')).body as Json).fields.issuetype.name,
      'Task',
    )
  })

  test('servicenow: an incident with correlation_id = fingerprint; resolved sets state, close code and notes', () => {
    const opened = render('servicenow', { assignmentGroup: 'Cloud Security' }, event('finding.opened'))
      .body as Json
    assert.equal(opened.correlation_id, finding.fingerprint)
    assert.equal(opened.assignment_group, 'Cloud Security')
    assert.ok(opened.short_description.length <= 160 && opened.short_description.includes(finding.title))
    assert.ok(opened.description.includes(finding.accountId))
    assert.equal(opened.impact, '1')
    assert.equal(opened.urgency, '1')
    for (const v of Object.values(opened)) assert.equal(typeof v, 'string', 'Table API fields are strings')
    const resolved = render('servicenow', {}, event('finding.resolved')).body as Json
    assert.equal(resolved.correlation_id, finding.fingerprint)
    assert.equal(resolved.state, '6')
    assert.ok(resolved.close_code.length > 0 && resolved.close_notes.length > 0)
    assert.equal(resolved.short_description, undefined, 'a resolution does not rewrite the incident')
    const custom = render(
      'servicenow',
      { resolvedState: '7', closeCode: 'Closed/Resolved by Caller' },
      event('finding.resolved'),
    )
    assert.equal((custom.body as Json).state, '7')
  })

  test('slack: text for notifications and a mrkdwn section; a digest lists at most 20 lines', () => {
    const one = render('slack', {}, event('finding.opened')).body as Json
    assert.ok(one.text.includes(finding.title))
    assert.equal(one.blocks[0].type, 'section')
    assert.equal(one.blocks[0].text.type, 'mrkdwn')
    const many = Array.from({ length: 25 }, () => event('finding.opened'))
    const digest = render('slack', {}, { ...event('digest'), data: { sweepId: 's', events: many } })
      .body as Json
    assert.match(digest.text, /25 events/)
    const lines = digest.blocks[1].text.text.split('\n')
    assert.equal(lines.length, 21)
    assert.match(lines[20], /5 more/)
  })

  test('ticketing formats refuse events without a finding', () => {
    assert.throws(
      () => render('jira', jira, { ...event('sweep.completed'), data: { sweep: {} } }),
      /finding events/,
    )
    assert.throws(
      () => render('servicenow', {}, { ...event('sweep.completed'), data: { sweep: {} } }),
      /finding events/,
    )
  })
})

describe('webhook signing', () => {
  test('Standard Webhooks headers verify with the standardwebhooks package, and only with the secret', () => {
    const secret = generateSecret()
    const body = JSON.stringify(event('finding.opened'))
    const headers = signatureHeaders(secret, 'delivery-1', body)
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body))
    assert.throws(() => new Webhook(generateSecret()).verify(body, headers))
    const stale = signatureHeaders(secret, 'delivery-1', body, new Date(Date.now() - 3_600_000))
    assert.throws(() => new Webhook(secret).verify(body, stale), /timestamp/i)
  })
})

describe('webhook filters', () => {
  test('severity at least, rule ids, accounts, OUs with descendants; guardrail and sweep events', () => {
    const e = event('finding.opened')
    assert.ok(matches({}, e))
    assert.ok(matches({ minSeverity: 'high' }, e))
    assert.ok(
      !matches(
        { minSeverity: 'high' },
        event('finding.opened', { finding: { ...finding, severity: 'medium' } }),
      ),
    )
    assert.ok(matches({ ruleIds: ['root.access-key-present'] }, e))
    assert.ok(!matches({ ruleIds: ['other'] }, e))
    assert.ok(matches({ accountIds: ['526730984187'] }, e))
    assert.ok(!matches({ accountIds: ['111111111111'] }, e))
    assert.ok(matches({ ouIds: ['r-ac3e'] }, e), 'the root covers every OU')
    assert.ok(matches({ ouIds: ['ou-ac3e-infr2h5n'] }, e))
    assert.ok(!matches({ ouIds: ['ou-ac3e-infr2h5'] }, e), 'a prefix of an OU id is another OU')
    const guardrail: WebhookEvent = {
      ...e,
      type: 'guardrail.changed',
      data: { accountId: '526730984187', ouPath: finding.ouPath, guardrailId: 'g', verdict: 'x' },
    }
    assert.ok(
      matches({ minSeverity: 'critical', ruleIds: ['other'] }, guardrail),
      'severity and rules do not apply',
    )
    assert.ok(!matches({ accountIds: ['111111111111'] }, guardrail))
    assert.ok(
      matches({ accountIds: ['111111111111'] }, { ...e, type: 'sweep.completed', data: { sweep: {} } }),
    )
  })
})

describe('webhook targets', () => {
  test('only public unicast addresses count as public', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ])
      assert.equal(isPublicAddress(a), false, a)
    for (const a of ['8.8.8.8', '52.94.236.248', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPublicAddress(a), true, a)
  })

  test('postJson refuses private literals, non-http URLs and credentials before connecting', async () => {
    const opts = { body: '{}', headers: {}, timeoutMs: 1_000, allowHosts: [] }
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:9/',
      'http://10.0.0.1/',
      'http://0.0.0.0:9/',
      'file:///etc/passwd',
      'http://u:p@example.com/',
    ]) {
      await assert.rejects(postJson(url, opts), RefusedTargetError, url)
    }
  })
})
