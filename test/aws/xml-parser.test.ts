/**
 * The AWS SDK's XML parser, as patched by `patches/@aws-sdk+xml-builder+*.patch` (texts and tag
 * names taken as slices instead of built one character at a time, characters compared by code, no
 * copy of the whole answer in lower case to look for a DOCTYPE). IAM and STS answers go through
 * it, so it must read them exactly as before: entities, CDATA, comments, attributes, whitespace.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseXML } from '@aws-sdk/xml-builder'

describe('SDK XML parser (patched)', () => {
  test('reads an IAM answer: nested members, URL-encoded documents, empty and self-closing tags', () => {
    const document = encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}')
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountAuthorizationDetailsResult>
    <IsTruncated>false</IsTruncated>
    <RoleDetailList>
      <member>
        <RoleName>deploy</RoleName>
        <AssumeRolePolicyDocument>${document}</AssumeRolePolicyDocument>
        <Tags/>
        <Description></Description>
      </member>
      <member><RoleName>audit</RoleName></member>
    </RoleDetailList>
  </GetAccountAuthorizationDetailsResult>
</GetAccountAuthorizationDetailsResponse>`
    assert.deepEqual(parseXML(xml), {
      GetAccountAuthorizationDetailsResponse: {
        xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
        GetAccountAuthorizationDetailsResult: {
          IsTruncated: 'false',
          RoleDetailList: {
            member: [
              { RoleName: 'deploy', AssumeRolePolicyDocument: document, Tags: '', Description: '' },
              { RoleName: 'audit' },
            ],
          },
        },
      },
    })
  })

  test('decodes named and numeric entities, and only where there are any', () => {
    const { r } = parseXML(
      '<r><a>Tom &amp; Jerry &lt;ops&gt; &quot;x&quot; &apos;y&apos;</a><b>&#65;&#x42;C</b><c>50% off</c></r>',
    ) as {
      r: Record<string, string>
    }
    assert.equal(r.a, `Tom & Jerry <ops> "x" 'y'`)
    assert.equal(r.b, 'ABC')
    assert.equal(r.c, '50% off')
  })

  test('joins text split by CDATA and comments; keeps text around child elements as #text', () => {
    const { r } = parseXML(
      '<r><a>one <![CDATA[<two> & ]]>three<!-- note --> four</a><m>lead<k>v</k></m></r>',
    ) as {
      r: { a: string; m: Record<string, string> }
    }
    assert.equal(r.a, 'one <two> & three four')
    assert.deepEqual(r.m, { '#text': 'lead', k: 'v' })
  })

  test('tag names end at whitespace, attributes, "/" and ">"; blank multi-line text is dropped', () => {
    const parsed = parseXML('<r>\n  <a  id="1">x</a>\n  <b\n/>\n  <c>\n  </c>\n  <d>  </d>\r\n</r>')
    assert.deepEqual(parsed, { r: { a: { '#text': 'x', id: '1' }, b: '', c: '', d: '  ' } })
  })

  test('a DOCTYPE in any case is skipped; closing tags may carry blanks; CR LF reads as LF', () => {
    assert.deepEqual(parseXML('<!doctype r>\n<r><a>1</a ></r\t>'), { r: { a: '1' } })
    assert.deepEqual(parseXML('<!DOCTYPE r [<!ELEMENT r ANY>]><r>x\r\ny</r>'), { r: 'x\ny' })
  })

  test('malformed answers still fail with the parser error', () => {
    assert.throws(() => parseXML('<r><a>x</b></r>'), /mismatched tags <a> and <\/b>/)
    assert.throws(() => parseXML('<r><ab>x</a></r>'), /mismatched tags <ab> and <\/a>/)
    assert.throws(() => parseXML('<r><a>x</ab></r>'), /mismatched tags <a> and <\/ab>/)
    assert.throws(() => parseXML('<r><a>unterminated'), /missing closing tag/)
  })
})
