/**
 * Property tests: matchers agree with plain reference implementations, and the parser never
 * throws whatever JSON it is given.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseArn } from '../../src/policy/arn.js'
import {
  buildRequest,
  evaluate,
  type PolicyKind,
  parsePolicy,
  parsePolicyOrThrow,
} from '../../src/policy/index.js'
import { cidrContains, parseCidr, parseIp } from '../../src/policy/ip-address.js'
import { compileActionList } from '../../src/policy/match/action-matcher.js'
import { compileArnPattern } from '../../src/policy/match/arn-pattern.js'
import { compileWildcard, compileWildcardList, wildcardMatchReference } from '../../src/policy/wildcard.js'

const RUNS = { numRuns: 2000 }
const small = (chars: string, max = 8, min = 0) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: min, maxLength: max })

describe('wildcard matching', () => {
  it('compileWildcard agrees with the backtracking reference', () => {
    fc.assert(
      fc.property(small('ab*?', 7), small('ab', 8), (pattern, value) => {
        assert.equal(compileWildcard(pattern)(value), wildcardMatchReference(pattern, value))
      }),
      RUNS,
    )
  })

  it('treats regex metacharacters literally', () => {
    fc.assert(
      fc.property(small('a.+()[]{}^$|\\/*?', 6), small('a.+()[]{}^$|\\/', 6), (pattern, value) => {
        assert.equal(compileWildcard(pattern)(value), wildcardMatchReference(pattern, value))
      }),
      RUNS,
    )
  })

  it('a list matches when any of its patterns does', () => {
    fc.assert(
      fc.property(fc.array(small('ab*?', 5), { maxLength: 4 }), small('ab', 6), (patterns, value) => {
        const expected = patterns.some((p) => wildcardMatchReference(p, value))
        assert.equal(compileWildcardList(patterns)(value), expected)
      }),
      RUNS,
    )
  })

  it('action lists are case-insensitive and agree with the reference', () => {
    const action = fc.tuple(small('sS3', 3), small('gGeEtT*?', 5)).map(([s, a]) => `${s || 's'}:${a}`)
    const concrete = fc.tuple(small('sS3', 3), small('gGeEtT', 5)).map(([s, a]) => `${s || 's'}:${a}`)
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 4 }), concrete, (patterns, value) => {
        const expected = patterns.some((p) => wildcardMatchReference(p.toLowerCase(), value.toLowerCase()))
        const matcher = compileActionList(patterns)
        assert.equal(matcher(value.toLowerCase()), expected)
        // Second call exercises the memoised path.
        assert.equal(matcher(value.toLowerCase()), expected)
      }),
      RUNS,
    )
  })

  it('ARN patterns match part by part', () => {
    const seg = small('ab*?', 3)
    const val = small('ab', 3)
    const res = small('ab/:*?', 5)
    const resVal = small('ab/:', 5)
    fc.assert(
      fc.property(fc.tuple(seg, seg, seg, seg, res), fc.tuple(val, val, val, val, resVal), (p, v) => {
        const pattern = `arn:${p.join(':')}`
        const value = `arn:${v.join(':')}`
        const expected = p.every((part, i) => wildcardMatchReference(part, v[i]))
        assert.equal(compileArnPattern(pattern)(value, parseArn(value)), expected)
      }),
      RUNS,
    )
  })
})

describe('IP ranges', () => {
  const toInt = (ip: number[]) => ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0
  it('IPv4 containment agrees with integer arithmetic', () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
    fc.assert(
      fc.property(octets, fc.nat(32), octets, (net, prefix, ip) => {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
        const expected = (toInt(net) & mask) >>> 0 === (toInt(ip) & mask) >>> 0
        const range = parseCidr(`${net.join('.')}/${prefix}`)
        const addr = parseIp(ip.join('.'))
        assert.ok(range && addr)
        assert.equal(cidrContains(range, addr), expected)
      }),
      RUNS,
    )
  })

  it('IPv6 written in full and compressed parse to the same address', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), fc.nat(7), (words, zeroFrom) => {
        const w = words.map((x, i) => (i >= zeroFrom && i < zeroFrom + 2 ? 0 : x))
        const full = w.map((x) => x.toString(16)).join(':')
        const compressed = `${w
          .slice(0, zeroFrom)
          .map((x) => x.toString(16))
          .join(':')}::${w
          .slice(zeroFrom + 2)
          .map((x) => x.toString(16))
          .join(':')}`
        const a = parseIp(full)
        const b = parseIp(compressed)
        assert.ok(a && b, `${full} / ${compressed}`)
        assert.deepEqual([...a.words], [...b.words])
      }),
      RUNS,
    )
  })
})

describe('policy variables', () => {
  it('a resolved value is literal text: it matches itself and nothing else', () => {
    const policy = parsePolicyOrThrow(
      {
        Version: '2012-10-17',
        Statement: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}' },
        ],
      },
      'identity',
    )
    fc.assert(
      fc.property(small('ab*?', 5, 1), small('ab*?', 5), (name, other) => {
        const ask = (key: string) =>
          evaluate(
            buildRequest({
              principal: { kind: 'user', accountId: '111111111111', name },
              action: 's3:GetObject',
              resource: `arn:aws:s3:::home/${key}`,
            }),
            { identity: [{ id: 'p', policy }] },
          ).decision
        assert.equal(ask(name), 'Allowed')
        if (other !== name) assert.equal(ask(other), 'ImplicitlyDenied')
      }),
      { numRuns: 500 },
    )
  })
})

describe('the parser never throws', () => {
  const kinds: PolicyKind[] = ['identity', 'resource', 'trust', 'scp', 'rcp', 'boundary', 'session']
  const kind = fc.constantFrom(...kinds)

  it('on arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true }),
        kind,
        (value, k) => {
          const r = parsePolicy(value, k)
          assert.equal(typeof r.ok, 'boolean')
        },
      ),
      RUNS,
    )
  })

  it('on arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), kind, (text, k) => {
        const r = parsePolicy(text, k)
        if (!r.ok) assert.ok(r.errors.length > 0 && r.errors.every((e) => e.path.startsWith('$')))
      }),
      RUNS,
    )
  })

  it('on policy-shaped documents with random element values', () => {
    const element = fc.oneof(
      fc.constantFrom(
        '*',
        's3:GetObject',
        'arn:aws:s3:::b/*',
        'Allow',
        'Deny',
        '2012-10-17',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
        '${aws:username}',
        '',
      ),
      fc.jsonValue(),
    )
    const condition = fc.dictionary(
      fc.constantFrom(
        'StringEquals',
        'ForAllValues:StringLike',
        'IpAddress',
        'DateLessThan',
        'Null',
        'ArnLike',
        'Bogus',
        'BoolIfExists',
      ),
      fc.dictionary(fc.constantFrom('aws:SourceIp', 'aws:TagKeys', 'k'), element),
    )
    const statement = fc.record(
      {
        Sid: element,
        Effect: element,
        Principal: fc.oneof(
          element,
          fc.dictionary(fc.constantFrom('AWS', 'Service', 'Federated', 'X'), element),
        ),
        NotPrincipal: element,
        Action: fc.oneof(element, fc.array(element)),
        NotAction: element,
        Resource: fc.oneof(element, fc.array(element)),
        NotResource: element,
        Condition: fc.oneof(condition, element),
      },
      { requiredKeys: [] },
    )
    const doc = fc.record(
      { Version: element, Id: element, Statement: fc.oneof(statement, fc.array(statement), element) },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(doc, kind, fc.boolean(), (d, k, asText) => {
        const r = parsePolicy(asText ? JSON.stringify(d) : d, k)
        assert.equal(typeof r.ok, 'boolean')
      }),
      RUNS,
    )
  })
})
