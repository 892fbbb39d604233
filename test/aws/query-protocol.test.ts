/**
 * IAM's one-pass awsQuery reader (`src/aws/query-protocol.ts`) must give what the SDK's own reader
 * gives for every answer: the same output (values, types, key order) or the same error. Each case
 * sends one body through two IAM clients, one with the SDK's protocol and one with ours.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListPoliciesCommand,
  ListServerCertificatesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam'
import { HttpResponse } from '@smithy/core/transport'
import { rng } from '../../bench/sim-aws/random.js'
import { type SimAws, startSimAws } from '../../bench/sim-aws/server.js'
import { FastAwsQueryProtocol, queryReaderStats } from '../../src/aws/query-protocol.js'

/** Any IAM command (the SDK's per-command types do not share one supertype that `send` accepts). */
type Command = object

/** Two clients that answer every request with `body` (status 200, or `status`). */
function clients() {
  let body = ''
  let status = 200
  const handler = {
    handle: async () => ({
      response: new HttpResponse({
        statusCode: status,
        headers: { 'content-type': 'text/xml' },
        body: Buffer.from(body),
      }),
    }),
  }
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    requestHandler: handler,
    maxAttempts: 1,
  }
  const sdk = new IAMClient(config)
  const fast = new IAMClient({ ...config, protocol: FastAwsQueryProtocol })
  /** What each client makes of `text`: its output without `$metadata`, or its error. */
  return async (command: Command, text: string, answerStatus = 200) => {
    body = text
    status = answerStatus
    const outcome = async (client: IAMClient) => {
      try {
        const { $metadata, ...output } = (await client.send(command as never)) as unknown as Record<
          string,
          unknown
        >
        return { output }
      } catch (e) {
        const err = e as Error & { Code?: string }
        return { error: `${err.name}: ${err.message}` }
      }
    }
    return { sdk: await outcome(sdk), fast: await outcome(fast) }
  }
}

/** Equal values and types (Dates, bytes) and the same key order. */
function assertSame(r: { sdk: unknown; fast: unknown }, label: string) {
  assert.deepStrictEqual(r.fast, r.sdk, label)
  assert.equal(JSON.stringify(r.fast), JSON.stringify(r.sdk), `${label}: key order`)
}

/** AWS's own layout: each element on its line, indented. */
function indent(xml: string): string {
  let depth = 0
  return xml.replace(/<(\/?)([^>]*?)(\/?)>/g, (tag, close, _name, selfClose, offset) => {
    if (offset === 0 || tag.startsWith('<?')) return tag
    if (close) depth--
    const lead = xml[offset - 1] === '>' ? `\n${'  '.repeat(Math.max(depth, 0))}` : ''
    if (!close && !selfClose) depth++
    return lead + tag
  })
}

describe('IAM awsQuery reader', () => {
  let sim: SimAws
  const bodies = new Map<string, string>()
  const read = clients()

  /** The simulated AWS's answer to one IAM action, as AWS would send it. */
  async function simBody(account: string, query: string): Promise<string> {
    const response = await fetch(sim.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=ASIAS${account}SIM/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x`,
      },
      body: `${query}&Version=2010-05-08`,
    })
    assert.equal(response.status, 200, query)
    return response.text()
  }

  const CASES: [string, () => Command, string][] = [
    [
      'GetAccountAuthorizationDetails',
      () => new GetAccountAuthorizationDetailsCommand({}),
      'Action=GetAccountAuthorizationDetails&MaxItems=25',
    ],
    ['GetAccountSummary', () => new GetAccountSummaryCommand({}), 'Action=GetAccountSummary'],
    [
      'GetAccountPasswordPolicy',
      () => new GetAccountPasswordPolicyCommand({}),
      'Action=GetAccountPasswordPolicy',
    ],
    ['GetCredentialReport', () => new GetCredentialReportCommand({}), 'Action=GetCredentialReport'],
    ['ListVirtualMFADevices', () => new ListVirtualMFADevicesCommand({}), 'Action=ListVirtualMFADevices'],
    ['ListServerCertificates', () => new ListServerCertificatesCommand({}), 'Action=ListServerCertificates'],
    ['ListPolicies', () => new ListPoliciesCommand({}), 'Action=ListPolicies&Scope=AWS&MaxItems=20'],
  ]

  before(async () => {
    sim = await startSimAws({
      seed: 3,
      accounts: 4,
      users: 6,
      roles: 12,
      policies: 5,
      misconfig: 0.3,
      latencyMs: 0,
      throttleShare: 0,
    })
    const account = sim.org.accounts.find((a) => a.index > 0 && !a.roleMissing)!
    for (const [name, , query] of CASES) bodies.set(name, await simBody(account.id, query))
    bodies.set(
      'GetPolicyVersion',
      await simBody(
        account.id,
        'Action=GetPolicyVersion&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&VersionId=v1',
      ).catch(() => ''),
    )
  })

  after(async () => {
    await sim?.close()
  })

  test('reads every IAM answer of a collection as the SDK does, compact and in AWS layout, without handing over', async () => {
    for (const [name, command] of CASES) {
      const body = bodies.get(name)!
      for (const [layout, text] of [
        ['compact', body],
        ['indented', indent(body)],
      ]) {
        const before = { ...queryReaderStats }
        const r = await read(command(), text)
        assert.ok('output' in r.sdk, `${name} ${layout}: ${JSON.stringify(r.sdk)}`)
        assertSame(r, `${name} ${layout}`)
        assert.equal(queryReaderStats.read, before.read + 1, `${name} ${layout} read in one pass`)
        assert.equal(queryReaderStats.handedOver, before.handedOver, `${name} ${layout} not handed over`)
      }
    }
    // The answers carry what the comparison is about: lists of structs, a map, dates, bytes, numbers.
    const gaad = (await read(CASES[0][1](), bodies.get('GetAccountAuthorizationDetails')!)).fast as {
      output: { RoleDetailList: { CreateDate: unknown }[]; UserDetailList: unknown[]; IsTruncated: boolean }
    }
    assert.ok(gaad.output.RoleDetailList.length > 0 && gaad.output.UserDetailList.length > 0)
    assert.ok(gaad.output.RoleDetailList[0].CreateDate instanceof Date)
    assert.equal(gaad.output.IsTruncated, true)
    const summary = (await read(CASES[1][1](), bodies.get('GetAccountSummary')!)).fast as {
      output: { SummaryMap: Record<string, number> }
    }
    assert.equal(typeof summary.output.SummaryMap.Users, 'number')
    const report = (await read(CASES[3][1](), bodies.get('GetCredentialReport')!)).fast as {
      output: { Content: Uint8Array }
    }
    assert.match(Buffer.from(report.output.Content).toString(), /^user,arn,/)
  })

  test('members out of the model order keep the SDK order; unknown elements are skipped', async () => {
    const xml = `<GetAccountPasswordPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountPasswordPolicyResult>
    <PasswordPolicy>
      <RequireSymbols>true</RequireSymbols>
      <SomethingNew><Nested>1</Nested><Empty/></SomethingNew>
      <MinimumPasswordLength>14</MinimumPasswordLength>
      <ExpirePasswords>false</ExpirePasswords>
    </PasswordPolicy>
  </GetAccountPasswordPolicyResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetAccountPasswordPolicyResponse>`
    const before = { ...queryReaderStats }
    const r = await read(new GetAccountPasswordPolicyCommand({}), xml)
    assertSame(r, 'reordered')
    assert.deepEqual(Object.keys((r.fast as { output: { PasswordPolicy: object } }).output.PasswordPolicy), [
      'MinimumPasswordLength',
      'RequireSymbols',
      'ExpirePasswords',
    ])
    assert.equal(queryReaderStats.read, before.read + 1)
  })

  test('entities, empty elements and blank text read as the SDK reads them', async () => {
    const wrap = (inner: string) =>
      `<?xml version="1.0"?>\n<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion>${inner}</PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>`
    for (const inner of [
      '<Document>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Document>',
      '<Document></Document><VersionId/>',
      '<Document>\n   </Document>',
      '<Document>  </Document>',
      '<Document> padded </Document><IsDefaultVersion>TRUE</IsDefaultVersion>',
      '<CreateDate>2024-01-01T00:00:00Z</CreateDate>',
    ]) {
      assertSame(
        await read(new GetPolicyVersionCommand({ PolicyArn: 'a', VersionId: 'v1' }), wrap(inner)),
        inner,
      )
    }
  })

  test('what the one-pass reader does not read is handed to the SDK, which reads it the same way', async () => {
    const wrap = (inner: string) =>
      `<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion>${inner}</PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>`
    for (const inner of [
      '<Document>&#65;&#x42;</Document>',
      '<Document>a &constructor; &__proto__; b</Document>',
      '<Document>a<![CDATA[<b>]]></Document>',
      '<Document>a<!-- note --></Document>',
      '<Document id="1">x</Document>',
      '<Document>x</Document><Document>y</Document>',
      '<VersionId>v1</VersionId> <Document>x</Document>',
      '<Document>a\r\nb</Document>',
    ]) {
      const before = queryReaderStats.handedOver
      assertSame(
        await read(new GetPolicyVersionCommand({ PolicyArn: 'a', VersionId: 'v1' }), wrap(inner)),
        inner,
      )
      assert.equal(queryReaderStats.handedOver, before + 1, `${inner} handed over`)
    }
  })

  test('error answers and malformed answers end as the SDK ends them', async () => {
    const error = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The Password Policy with domain name 123 cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>`
    const r = await read(new GetAccountPasswordPolicyCommand({}), error, 404)
    assert.match(String((r.sdk as { error: string }).error), /^NoSuchEntity/)
    assertSame(r, 'error answer')
    for (const broken of [
      '<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>1</value></entry>',
      '<GetAccountSummaryResponse><GetAccountSummaryResult></GetAccountSummaryResponse>',
      'not xml',
    ]) {
      const b = await read(new GetAccountSummaryCommand({}), broken)
      assert.ok('error' in b.sdk, broken)
      assertSame(b, broken)
    }
  })

  test('thousands of mutated answers: the same output or the same error as the SDK', async () => {
    // Seeded (the simulator's generator), so a failing mutation can be run again.
    const { next, pick } = rng(20261202, 'query-protocol mutations')
    const base = bodies.get('GetAccountAuthorizationDetails')!
    const insertions = [
      ' ',
      '\n',
      '\n  ',
      'x',
      '<!-- c -->',
      '<![CDATA[z]]>',
      '&amp;',
      '&#65;',
      '&bogus;',
      '&',
      '\r\n',
      '<Unknown>1</Unknown>',
      '<Unknown/>',
      '<Unknown a="1"/>',
      '</member>',
      '<member>',
      '<member/>',
      '<Tags/>',
      '<Path>/x/</Path>',
      '<CreateDate>2020-01-01T00:00:00Z</CreateDate>',
    ]
    const mutate = (xml: string): string => {
      const tags = [...xml.matchAll(/<[^>]+>/g)]
      const at = pick(tags)
      const end = (at.index ?? 0) + at[0].length
      switch (Math.floor(next() * 6)) {
        case 0: // insert something after a tag
          return xml.slice(0, end) + pick(insertions) + xml.slice(end)
        case 1: // cut a few characters
          return xml.slice(0, end) + xml.slice(end + 1 + Math.floor(next() * 5))
        case 2: {
          // repeat a whole element
          const open = at[0].match(/^<([A-Za-z]+)>$/)
          if (!open) return xml.replace(at[0], `${at[0]} `)
          const close = xml.indexOf(`</${open[1]}>`, end)
          if (close === -1) return xml
          const whole = xml.slice(at.index, close + open[1].length + 3)
          return xml.slice(0, at.index) + whole + whole + xml.slice(at.index! + whole.length)
        }
        case 3: // an attribute
          return at[0].startsWith('</') || at[0].endsWith('/>')
            ? xml
            : `${xml.slice(0, end - 1)} id="7"${xml.slice(end - 1)}`
        case 4: // rename a start tag
          return `${xml.slice(0, at.index! + 1)}Z${xml.slice(at.index! + 1)}`
        default: // AWS's layout
          return indent(xml)
      }
    }
    const command = new GetAccountAuthorizationDetailsCommand({})
    const seen = { read: queryReaderStats.read, handedOver: queryReaderStats.handedOver, errors: 0 }
    for (let k = 0; k < 1500; k++) {
      let xml = base
      for (let m = 1 + Math.floor(next() * 3); m > 0; m--) xml = mutate(xml)
      const r = await read(command, xml)
      if ('error' in r.sdk) seen.errors++
      assertSame(r, `mutation ${k}`)
    }
    // The mutations reached both paths and the SDK's errors.
    assert.ok(
      queryReaderStats.read - seen.read > 200,
      `${queryReaderStats.read - seen.read} read in one pass`,
    )
    assert.ok(
      queryReaderStats.handedOver - seen.handedOver > 200,
      `${queryReaderStats.handedOver - seen.handedOver} handed over`,
    )
    assert.ok(seen.errors > 50, `${seen.errors} errors`)
  })
})
