import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { type PolicyKind, parsePolicy } from '../../src/policy/index.js'

function errorsOf(document: unknown, kind: PolicyKind) {
  const r = parsePolicy(document, kind)
  assert.equal(r.ok, false, 'expected the document to be rejected')
  return r.ok ? [] : r.errors
}

function hasError(document: unknown, kind: PolicyKind, path: string, fragment: string) {
  const errors = errorsOf(document, kind)
  const hit = errors.find((e) => e.path === path && e.message.includes(fragment))
  assert.ok(hit, `no error at ${path} containing "${fragment}" in ${JSON.stringify(errors)}`)
}

const stmt = (extra: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', ...extra }],
})

describe('parsePolicy: accepted documents', () => {
  it('normalises a single statement object, string lists and condition values', () => {
    const r = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'doc',
        Statement: {
          Sid: 'One',
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::b/*',
          Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 's3:max-keys': 5 } },
        },
      }),
      'identity',
    )
    assert.ok(r.ok)
    const s = r.policy.statements[0]
    assert.equal(r.policy.id, 'doc')
    assert.deepEqual(s.action, ['s3:GetObject'])
    assert.deepEqual(s.resource, ['arn:aws:s3:::b/*'])
    assert.equal(s.sid, 'One')
    assert.deepEqual(
      s.conditions.map((c) => [c.baseOperator, c.key, c.values]),
      [
        ['Bool', 'aws:SecureTransport', ['false']],
        ['NumericLessThan', 's3:max-keys', ['5']],
      ],
    )
  })

  it('parses set operators and IfExists in either case', () => {
    const r = parsePolicy(
      stmt({
        Action: '*',
        Resource: '*',
        Condition: { 'forallvalues:stringlikeifexists': { 'aws:TagKeys': ['a*'] } },
      }),
      'identity',
    )
    assert.ok(r.ok)
    const c = r.policy.statements[0].conditions[0]
    assert.equal(c.baseOperator, 'StringLike')
    assert.equal(c.setOperator, 'ForAllValues')
    assert.equal(c.ifExists, true)
  })

  it('measures size from the text as given and fingerprints by content and kind', () => {
    const text = JSON.stringify(stmt({ Action: '*', Resource: '*' }), null, 2)
    const a = parsePolicy(text, 'scp')
    const b = parsePolicy(text, 'scp')
    const c = parsePolicy(text, 'identity')
    assert.ok(a.ok && b.ok && c.ok)
    assert.equal(a.policy.size, text.length)
    assert.equal(a.policy.fingerprint, b.policy.fingerprint)
    assert.notEqual(a.policy.fingerprint, c.policy.fingerprint)
  })

  it('a parsed document given with the text it came from is measured and keyed as that text', () => {
    const text = JSON.stringify(stmt({ Action: 's3:GetObject', Resource: '*' }), null, 2)
    const fromText = parsePolicy(text, 'identity')
    const withText = parsePolicy(JSON.parse(text), 'identity', text)
    const alone = parsePolicy(JSON.parse(text), 'identity')
    assert.ok(fromText.ok && withText.ok && alone.ok)
    assert.deepEqual(withText.policy, fromText.policy)
    // Without its text the document is serialized again: compact, so another size and key.
    assert.equal(alone.policy.size, JSON.stringify(JSON.parse(text)).length)
    assert.notEqual(alone.policy.fingerprint, fromText.policy.fingerprint)
  })

  it("fingerprints with SHA-256 of the text, so no crafted document can share another one's key", () => {
    // Compiled policies and guardrail verdicts are shared across accounts by this key.
    const text = JSON.stringify(stmt({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' }))
    const r = parsePolicy(text, 'identity')
    assert.ok(r.ok)
    assert.equal(r.policy.fingerprint, `identity:${createHash('sha256').update(text).digest('base64url')}`)
  })

  it('accepts a missing Version (2008 semantics) except for RCPs', () => {
    assert.ok(parsePolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'identity').ok)
    hasError(
      { Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] },
      'rcp',
      '$',
      'missing Version',
    )
  })

  it('accepts principals of every type in resource policies', () => {
    const r = parsePolicy(
      stmt({
        Principal: {
          AWS: [
            '123456789012',
            'arn:aws:iam::123456789012:role/x',
            'arn:aws:sts::123456789012:assumed-role/x/s',
          ],
          Service: 'ec2.amazonaws.com',
          Federated: 'cognito-identity.amazonaws.com',
          CanonicalUser: 'a'.repeat(64),
        },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
      }),
      'resource',
    )
    assert.ok(r.ok)
    const p = r.policy.statements[0].principal
    assert.equal(p?.aws.length, 3)
    assert.deepEqual(p?.service, ['ec2.amazonaws.com'])
  })

  it('lets SCPs omit Resource and trust policies omit it entirely', () => {
    assert.ok(parsePolicy(stmt({ Action: '*' }), 'scp').ok)
    assert.ok(
      parsePolicy(stmt({ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), 'trust')
        .ok,
    )
  })
})

describe('parsePolicy: errors with paths', () => {
  it('reports JSON syntax errors and non-objects', () => {
    hasError('{"Version": ', 'identity', '$', 'not valid JSON')
    hasError([1, 2], 'identity', '$', 'expected an object')
  })

  it('reports unknown elements at the top and in statements', () => {
    hasError(
      { ...stmt({ Action: '*', Resource: '*' }), Foo: 1 },
      'identity',
      '$.Foo',
      'unknown policy element',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Actions: 'x' }),
      'identity',
      '$.Statement[0].Actions',
      'unknown statement element',
    )
  })

  it('reports a bad Version and a bad Effect', () => {
    hasError({ Version: '2012-10-18', Statement: [] }, 'identity', '$.Version', 'Version must be')
    hasError(
      { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] },
      'identity',
      '$.Statement[0].Effect',
      'Effect must be',
    )
  })

  it('reports wrong types with the offending index', () => {
    hasError(
      stmt({ Action: ['s3:GetObject', 5], Resource: '*' }),
      'identity',
      '$.Statement[0].Action[1]',
      'expected a string',
    )
    hasError(stmt({ Action: [], Resource: '*' }), 'identity', '$.Statement[0].Action', 'empty array')
    hasError(
      { Version: '2012-10-17', Statement: [null] },
      'identity',
      '$.Statement[0]',
      'expected a statement object',
    )
  })

  it('forbids Principal in identity policies and SCPs', () => {
    for (const kind of ['identity', 'scp', 'boundary', 'session'] as const) {
      hasError(
        stmt({ Principal: '*', Action: '*', Resource: '*' }),
        kind,
        '$.Statement[0].Principal',
        'not allowed',
      )
    }
  })

  it('requires Principal in resource and trust policies', () => {
    hasError(stmt({ Action: 's3:*', Resource: '*' }), 'resource', '$.Statement[0]', 'missing Principal')
    hasError(stmt({ Action: 'sts:AssumeRole' }), 'trust', '$.Statement[0]', 'missing Principal')
  })

  it('forbids Resource in trust policies and requires it in identity policies', () => {
    hasError(
      stmt({ Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }),
      'trust',
      '$.Statement[0].Resource',
      'not allowed',
    )
    hasError(stmt({ Action: 's3:*' }), 'identity', '$.Statement[0]', 'missing Resource')
  })

  it('rejects RCP principals other than "*"', () => {
    hasError(
      stmt({ Principal: { AWS: '123456789012' }, Action: 's3:*', Resource: '*' }),
      'rcp',
      '$.Statement[0].Principal',
      'only Principal "*"',
    )
  })

  it('rejects invalid ARNs in Resource and Principal', () => {
    hasError(
      stmt({ Action: 's3:*', Resource: 'bucket/key' }),
      'identity',
      '$.Statement[0].Resource',
      'neither',
    )
    hasError(
      stmt({ Action: 's3:*', Resource: ['*', 'arn:aws:s3'] }),
      'identity',
      '$.Statement[0].Resource[1]',
      'ARN',
    )
    hasError(
      stmt({ Principal: { AWS: 'arn:aws:iam::123456789012:role/*' }, Action: 's3:*', Resource: '*' }),
      'resource',
      '$.Statement[0].Principal.AWS',
      'wildcard',
    )
    hasError(
      stmt({ Principal: { AWS: 'alice' }, Action: 's3:*' }),
      'resource',
      '$.Statement[0].Principal.AWS',
      'not an account id',
    )
  })

  it('rejects malformed actions and Action with NotAction', () => {
    hasError(stmt({ Action: 's3', Resource: '*' }), 'identity', '$.Statement[0].Action', 'not an action')
    hasError(
      stmt({ Action: '*', NotAction: 'iam:*', Resource: '*' }),
      'identity',
      '$.Statement[0]',
      'cannot both',
    )
  })

  it('rejects unknown condition operators and bad values with a precise path', () => {
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { StringEqual: { a: 'b' } } }),
      'identity',
      '$.Statement[0].Condition.StringEqual',
      'unknown condition operator',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { 'ForSomeValues:StringEquals': { a: 'b' } } }),
      'identity',
      '$.Statement[0].Condition["ForSomeValues:StringEquals"]',
      'unknown set operator',
    )
    hasError(
      stmt({
        Action: '*',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '10.0.0.300'] } },
      }),
      'identity',
      '$.Statement[0].Condition.IpAddress["aws:SourceIp"][1]',
      'not an IP',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { NumericEquals: { n: 'ten' } } }),
      'identity',
      '$.Statement[0].Condition.NumericEquals.n',
      'not a number',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': 'yesterday' } } }),
      'identity',
      '$.Statement[0].Condition.DateLessThan["aws:CurrentTime"]',
      'not an ISO 8601',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { Null: { k: 'maybe' } } }),
      'identity',
      '$.Statement[0].Condition.Null.k',
      'true or false',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { NullIfExists: { k: 'true' } } }),
      'identity',
      '$.Statement[0].Condition.NullIfExists',
      'Null takes neither',
    )
    hasError(
      stmt({ Action: '*', Resource: '*', Condition: { StringEquals: { k: { nested: 1 } } } }),
      'identity',
      '$.Statement[0].Condition.StringEquals.k',
      'expected a string, number or boolean',
    )
  })

  it('rejects duplicate Sids', () => {
    hasError(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'A', Effect: 'Deny', Action: 'iam:*', Resource: '*' },
        ],
      },
      'identity',
      '$.Statement[1].Sid',
      'duplicate Sid',
    )
  })

  it('collects several errors in one pass', () => {
    const errors = errorsOf({ Version: 'x', Statement: [{ Effect: 'Maybe', Action: 1 }] }, 'identity')
    assert.ok(errors.length >= 3, JSON.stringify(errors))
  })
})
