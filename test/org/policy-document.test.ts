import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { decodePolicyDocument, policyDocumentText } from '../../src/org/policy-document.js'
import { iamEncoded } from './fixtures.js'

const DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a b/*' }],
}

describe('policy documents', () => {
  test('URL-encoded documents, as IAM returns them, are decoded and parsed', () => {
    assert.deepEqual(decodePolicyDocument(iamEncoded(DOC)), { ok: true, document: DOC })
  })

  test('a decoded document keeps the text it was parsed from, for the policy engine', () => {
    const encoded = iamEncoded(DOC)
    const decoded = decodePolicyDocument(encoded)
    assert.ok(decoded.ok)
    assert.equal(policyDocumentText(decoded.document), decodeURIComponent(encoded))
    assert.equal(policyDocumentText(structuredClone(decoded.document)), undefined)
  })

  test('already decoded JSON text is accepted, even with a literal % in it', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::50%-off/*' }],
    }
    assert.deepEqual(decodePolicyDocument(JSON.stringify(doc, null, 2)), { ok: true, document: doc })
  })

  test('an already parsed object is accepted and copied', () => {
    const input = structuredClone(DOC)
    const decoded = decodePolicyDocument(input)
    assert.ok(decoded.ok)
    assert.deepEqual(decoded.document, DOC)
    assert.notEqual(decoded.document, input)
  })

  test('unreadable documents give a reason instead of throwing', () => {
    assert.deepEqual(decodePolicyDocument('%E0%A4%A'), {
      ok: false,
      reason: 'document is not valid URL-encoded text',
    })
    assert.deepEqual(decodePolicyDocument('%7Bnot json'), { ok: false, reason: 'document is not valid JSON' })
    assert.deepEqual(decodePolicyDocument(iamEncoded([1, 2])), {
      ok: false,
      reason: 'document is not a JSON object',
    })
    assert.deepEqual(decodePolicyDocument(undefined), {
      ok: false,
      reason: 'document is missing or not a string',
    })
  })

  test('property: any JSON object survives IAM encoding and decoding', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (doc) => {
        const decoded = decodePolicyDocument(iamEncoded(doc))
        assert.ok(decoded.ok)
        assert.deepEqual(decoded.document, JSON.parse(JSON.stringify(doc)))
      }),
    )
  })
})
