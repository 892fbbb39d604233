/**
 * A sweep with the AWS source, end to end: POST /v1/sweeps → BullMQ → workers → store, with the
 * AWS SDK mocked at its boundary (aws-sdk-client-mock). The organization (test/aws/org-world.ts)
 * has nested OUs and accounts in every state; its three ACTIVE accounts are:
 * - the management account: a typical account, every API answers;
 * - the nested account (Root → A → B): collected, but AWS Config refuses one call (a gap);
 * - the member account: its audit role refuses AssumeRole (unreachable).
 * The suspended, pending-closure and closed accounts are not collected at all.
 *
 * Every sweep runs with a trace-level logger shared by the AWS source, the workers and the API,
 * and the last test greps everything it wrote (and everything stored) for the fake credentials.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service'
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import type { AccountState } from '../../src/org/account-state.js'
import type { AwsOrgSource } from '../../src/sources/aws-source.js'
import { createSourceResolver } from '../../src/sources/resolver.js'
import {
  accountOfClient,
  accountOfRoleArn,
  awsError,
  BASE_KEY_ID,
  BASE_SECRET,
  baseCredentials,
  type CapturedLog,
  captureLogger,
  FAST_RATES,
  sessionKeyId,
  sessionSecret,
  sessionToken,
  stsCredentials,
} from '../aws/helpers.js'
import { ACCOUNT, ACTIVE_ACCOUNTS, installOrganization, OU_A, OU_B, ROOT } from '../aws/org-world.js'
import { createMocks, installHappyAccounts, resetMocks } from '../aws/world.js'
import { createTestContext, runSweep, STORE_KINDS, type TestContext } from '../helpers/context.js'

const mocks = createMocks()

const HUB_ACCOUNT = '990000000009'
const HUB_ROLE_ARN = `arn:aws:iam::${HUB_ACCOUNT}:role/OrgwardenHub`
const TYPICAL = ACCOUNT.management
const GAPPED = ACCOUNT.nested
const DENIED = ACCOUNT.member
const REGION = 'us-east-1'

/** Every credential the fake AWS hands out: base keys, the hub's session, each account's session. */
const SECRETS = [
  BASE_KEY_ID,
  BASE_SECRET,
  ...[HUB_ACCOUNT, ...ACTIVE_ACCOUNTS].flatMap((id) => [
    sessionKeyId(id),
    sessionSecret(id),
    sessionToken(id),
  ]),
]

/**
 * The calls of one account whose every API answers, with the fake's pages (test/aws/world.ts):
 * GAAD, the virtual MFA devices, the server certificates and the analyzers come in two pages each.
 * The AWS-managed policy catalog (iam:ListPolicies, iam:GetPolicyVersion) is read once per sweep
 * and counted on whichever account asked first, so it is checked across accounts instead.
 */
const TYPICAL_CALLS: Record<string, number> = {
  'sts:AssumeRole': 1,
  'iam:GetAccountAuthorizationDetails': 2,
  'iam:GenerateCredentialReport': 1,
  'iam:GetCredentialReport': 1,
  'iam:GetAccountPasswordPolicy': 1,
  'iam:GetAccountSummary': 1,
  'iam:ListVirtualMFADevices': 2,
  'iam:ListServerCertificates': 2,
  'cloudtrail:DescribeTrails': 1,
  'cloudtrail:GetTrailStatus': 1,
  'config:DescribeConfigurationRecorders': 1,
  'config:DescribeConfigurationRecorderStatus': 1,
  'access-analyzer:ListAnalyzers': 2,
}
const CATALOG_CALLS: Record<string, number> = {
  'iam:ListPolicies': 2,
  // AdministratorAccess (via the admins group), ReadOnlyAccess (alice), PowerUserAccess (boundary).
  'iam:GetPolicyVersion': 3,
}

function installAws() {
  resetMocks(mocks)
  installHappyAccounts(mocks)
  installOrganization(mocks.organizations)
  mocks.sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = accountOfRoleArn(input.RoleArn)
    if (account === DENIED) {
      throw awsError(
        'AccessDenied',
        `User: arn:aws:sts::${HUB_ACCOUNT}:assumed-role/OrgwardenHub/orgwarden-hub is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        { status: 403 },
      )
    }
    return { Credentials: stsCredentials(account) }
  })
  mocks.config.on(DescribeConfigurationRecordersCommand).callsFake(async (_input, getClient) => {
    const account = await accountOfClient(getClient)
    if (account === GAPPED) {
      // AWS never echoes keys; the fake does, to prove a refusal's message is scrubbed on its way
      // into the stored gap and the logs.
      throw awsError(
        'AccessDeniedException',
        `${sessionKeyId(account)} with token ${sessionToken(account)} is not authorized to perform config:DescribeConfigurationRecorders`,
        { status: 403 },
      )
    }
    return {
      ConfigurationRecorders: [
        { name: 'default', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
      ],
    }
  })
}

interface SweepView {
  id: string
  status: string
  source: { type: string; name: string }
  organizationId: string | null
  progress: unknown
  problems: Array<{ accountId: string; reason: string | null }>
}

interface AccountItem {
  accountId: string
  ouPath: string
  status: string
  reason: string | null
  attempts: number
  stats: {
    durationMs: number
    api?: {
      calls: Record<string, number>
      totalCalls: number
      errors: Record<string, number>
      retries: number
      throttled: number
      responseBytes: number
    }
  } | null
}

for (const kind of STORE_KINDS) {
  describe(`a sweep with the AWS source on ${kind}`, () => {
    let ctx: TestContext
    let log: CapturedLog
    let sweepId: string
    let sweep: SweepView
    let items: AccountItem[]

    before(async () => {
      installAws()
      log = captureLogger()
      const sources = createSourceResolver({
        aws: {
          region: REGION,
          regions: [REGION],
          auditRoleName: 'OrgwardenAudit',
          hubRoleArn: HUB_ROLE_ARN,
          baseCredentials,
          credentialReport: { initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 1_000 },
          organizationsRates: FAST_RATES,
          logger: log.logger,
        },
      })
      ctx = await createTestContext({ store: kind, sources, log: log.logger })
      sweep = await runSweep(ctx, { type: 'aws' })
      sweepId = sweep.id
      const list = await ctx.app.inject({
        method: 'GET',
        url: `/v1/sweeps/${sweepId}/accounts?limit=100`,
        headers: ctx.auth('read'),
      })
      assert.equal(list.statusCode, 200, list.body)
      items = list.json().items
    })
    after(async () => {
      await ctx?.close()
      await ctx?.sources.close()
    })

    test('it completes: the denied account is unreachable, every other ACTIVE account is stored', async () => {
      assert.equal(sweep.status, 'completed', JSON.stringify(sweep))
      assert.equal(sweep.source.type, 'aws')
      assert.equal(sweep.organizationId, 'o-abc')
      // Only the three ACTIVE accounts are planned: SUSPENDED, PENDING_CLOSURE and CLOSED are not.
      assert.deepEqual(sweep.progress, {
        total: 3,
        done: 3,
        failed: 1,
        byStatus: { pending: 0, running: 0, collected: 2, unreachable: 1, failed: 0, cancelled: 0 },
      })
      assert.deepEqual(
        items.map((a) => [a.accountId, a.status]),
        [
          [TYPICAL, 'collected'],
          [GAPPED, 'collected'],
          [DENIED, 'unreachable'],
        ],
      )
      assert.ok(
        !items.some((a) =>
          [ACCOUNT.suspended, ACCOUNT.pendingClosure, ACCOUNT.closed].includes(a.accountId as never),
        ),
      )
      // The nested account keeps its place in the tree.
      assert.equal(items.find((a) => a.accountId === GAPPED)?.ouPath, `o-abc/${ROOT}/${OU_A}/${OU_B}/`)

      // The unreachable account: one attempt, a reason that names the role, the account and the hub.
      const denied = items.find((a) => a.accountId === DENIED)
      assert.equal(denied?.attempts, 1)
      assert.match(denied?.reason ?? '', /role OrgwardenAudit missing in account 300000000003/)
      assert.match(denied?.reason ?? '', new RegExp(`does not trust ${HUB_ROLE_ARN}`))
      assert.match(denied?.reason ?? '', /arn:aws:iam::300000000003:role\/OrgwardenAudit/)
      assert.equal(sweep.problems.length, 1)
      assert.equal(sweep.problems[0].accountId, DENIED)
      assert.equal(sweep.problems[0].reason, denied?.reason)
      // STS was asked once per ACTIVE account (plus the hub), never for inactive accounts.
      const asked = mocks.sts
        .commandCalls(AssumeRoleCommand)
        .map((c) => accountOfRoleArn(c.args[0].input.RoleArn ?? ''))
        .sort()
      assert.deepEqual(asked, [...ACTIVE_ACCOUNTS, HUB_ACCOUNT].sort())

      const rows = await ctx.store.handle.db
        .selectFrom('account_snapshots')
        .select(['account_id', 'state'])
        .where('sweep_id', '=', sweepId)
        .orderBy('account_id')
        .execute()
      assert.deepEqual(
        rows.map((r) => r.account_id),
        [TYPICAL, GAPPED],
      )
      const states = new Map(rows.map((r) => [r.account_id, JSON.parse(r.state) as AccountState]))
      for (const [id, state] of states) {
        assert.equal(state.accountId, id)
        // The mocked GAAD: alice in the admins group, the app role with the custom policy.
        assert.deepEqual(
          state.users.map((u) => u.arn),
          [`arn:aws:iam::${id}:user/alice`],
        )
        assert.deepEqual(state.users[0].groups, ['admins'])
        assert.deepEqual(
          state.groups.map((g) => g.name),
          ['admins'],
        )
        assert.deepEqual(
          state.roles.map((r) => r.arn),
          [`arn:aws:iam::${id}:role/app`],
        )
        assert.equal(state.roles[0].permissionsBoundaryArn, 'arn:aws:iam::aws:policy/PowerUserAccess')
        const custom = state.managedPolicies.find((p) => p.arn === `arn:aws:iam::${id}:policy/custom`)
        assert.equal(custom?.defaultVersionId, 'v2')
        assert.deepEqual(custom?.document, {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        })
        // Root: MFA on a virtual device assigned to the root user; the credential report parsed.
        assert.equal(state.rootMfa, 'virtual')
        assert.equal(state.root?.arn, `arn:aws:iam::${id}:root`)
        assert.equal(state.root?.mfaActive, true)
        assert.deepEqual(
          state.credentialReport.map((r) => [r.user, r.passwordLastUsedStatus]),
          [['alice', 'no_information']],
        )
        assert.equal(state.passwordPolicy?.minimumPasswordLength, 14)
        assert.equal(state.serverCertificates.length, 2)
        assert.equal(state.regions[REGION]?.trails[0]?.isLogging, true)
        assert.equal(state.regions[REGION]?.accessAnalyzers.length, 2)
      }

      // The typical account has no gaps; the refused Config call is a gap of the nested one alone.
      assert.deepEqual(states.get(TYPICAL)?.gaps, [])
      assert.equal(states.get(TYPICAL)?.regions[REGION]?.configRecorders[0]?.recording, true)
      const gapped = states.get(GAPPED)
      assert.deepEqual(
        gapped?.gaps.map((g) => [g.api, g.region]),
        [['config:DescribeConfigurationRecorders', REGION]],
      )
      assert.match(gapped?.gaps[0]?.reason ?? '', /AccessDeniedException/)
      assert.match(gapped?.gaps[0]?.reason ?? '', /\[redacted\]/)
      assert.deepEqual(gapped?.regions[REGION]?.configRecorders, [])

      const org = await ctx.store.handle.db
        .selectFrom('org_snapshots')
        .select('snapshot')
        .where('sweep_id', '=', sweepId)
        .executeTakeFirstOrThrow()
      const snapshot = org.snapshot as {
        organizationalUnits: Array<{ id: string; parentId: string }>
        accounts: Array<{ id: string; status: string }>
      }
      assert.equal(snapshot.accounts.length, 6)
      assert.deepEqual(snapshot.organizationalUnits.find((u) => u.id === OU_B)?.parentId, OU_A)
      assert.equal(snapshot.accounts.find((a) => a.id === ACCOUNT.suspended)?.status, 'SUSPENDED')
    })

    test('per-account API calls are reported by operation', async () => {
      const byId = new Map(items.map((a) => [a.accountId, a]))
      const typical = byId.get(TYPICAL)?.stats?.api
      const gapped = byId.get(GAPPED)?.stats?.api
      assert.ok(typical, `no stats.api on the typical account: ${JSON.stringify(byId.get(TYPICAL))}`)
      assert.ok(gapped, 'no stats.api on the nested account')

      const withoutCatalog = (calls: Record<string, number>) =>
        Object.fromEntries(Object.entries(calls).filter(([op]) => !(op in CATALOG_CALLS)))
      assert.deepEqual(withoutCatalog(typical.calls), TYPICAL_CALLS)
      assert.deepEqual(typical.errors, {})
      // The refused call is counted once (the SDK does not retry a 403), and its status is not asked.
      const { 'config:DescribeConfigurationRecorderStatus': _skipped, ...gappedCalls } = TYPICAL_CALLS
      assert.deepEqual(withoutCatalog(gapped.calls), gappedCalls)
      assert.deepEqual(gapped.errors, { 'config:DescribeConfigurationRecorders AccessDeniedException': 1 })

      // The AWS-managed policy documents are read once for the whole sweep, not once per account.
      for (const [op, n] of Object.entries(CATALOG_CALLS)) {
        assert.equal((typical.calls[op] ?? 0) + (gapped.calls[op] ?? 0), n, op)
      }
      for (const api of [typical, gapped]) {
        assert.equal(
          api.totalCalls,
          Object.values(api.calls).reduce((sum, n) => sum + n, 0),
        )
      }
      const typicalTotal = Object.values(TYPICAL_CALLS).reduce((sum, n) => sum + n, 0)
      assert.equal(typicalTotal, 17)
      assert.equal(typical.totalCalls + gapped.totalCalls, typicalTotal + typicalTotal - 1 + 2 + 3)
      // The unreachable account's attempt keeps its call statistics: the refused AssumeRole.
      const denied = byId.get(DENIED)?.stats as {
        api: { calls: Record<string, number>; errors: Record<string, number> }
      }
      assert.equal(denied.api.calls['sts:AssumeRole'], 1)
      // The hub session was assumed once, by the organization read, and shared by every account.
      const source = (await ctx.sources.resolve('aws', 'aws')) as AwsOrgSource
      assert.equal(source.lastOrganizationReport()?.stats.calls['sts:AssumeRole'], 1)
    })

    test('GET /v1/sweeps/:id sums the per-account call statistics', async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/sweeps/${sweepId}`,
        headers: ctx.auth('read'),
      })
      assert.equal(res.statusCode, 200, res.body)
      const accounting = res.json().accounting
      const apis = items.map((a) => a.stats?.api).filter((x) => x !== undefined)
      // All three attempts, the unreachable one too, recorded their calls.
      assert.equal(apis.length, 3)
      const byOperation: Record<string, number> = {}
      for (const api of apis)
        for (const [op, n] of Object.entries(api.calls)) byOperation[op] = (byOperation[op] ?? 0) + n
      const totals = apis.map((api) => api.totalCalls)
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
      const durations = items.map((a) => a.stats?.durationMs ?? 0)
      assert.deepEqual(accounting, {
        accounts: 3,
        totalCalls: sum(totals),
        callsByOperation: byOperation,
        retries: sum(apis.map((api) => api.retries)),
        throttled: sum(apis.map((api) => api.throttled)),
        errors: sum(apis.map((api) => sum(Object.values(api.errors)))),
        responseBytes: sum(apis.map((api) => api.responseBytes)),
        callsPerAccount: {
          mean: Math.round((sum(totals) / 3) * 10) / 10,
          max: Math.max(...totals),
          maxAccountId: items[totals.indexOf(Math.max(...totals))]?.accountId,
        },
        durationMsPerAccount: {
          mean: Math.round((sum(durations) / 3) * 10) / 10,
          max: Math.max(...durations),
        },
      })
      // The figures themselves: two collected accounts (17 calls each, one refused Config call
      // and its skipped status read), the sweep-wide managed-policy catalog (5), the refused
      // AssumeRole of the unreachable account; the hub's own AssumeRole is the organization read's.
      assert.equal(accounting.totalCalls, 17 + 16 + 5 + 1)
      assert.equal(accounting.callsByOperation['sts:AssumeRole'], 3)
      assert.equal(accounting.callsByOperation['iam:GetAccountAuthorizationDetails'], 4)
      assert.equal(accounting.errors, 2)
      // The list of sweeps stays light: no accounting there.
      const list = await ctx.app.inject({ method: 'GET', url: '/v1/sweeps', headers: ctx.auth('read') })
      assert.equal(list.json().items[0].accounting, undefined)
    })

    test('no credential appears in any log line at any level, nor in what is stored', async () => {
      const text = log.text()
      const lines = log.lines()
      // The test read real output: every stage logged, at the lowest levels too.
      const messages = new Set(lines.map((l) => l.msg))
      for (const msg of [
        'assumed role',
        'organization read',
        'account collected',
        'account unreachable',
        'sweep finished',
      ])
        assert.ok(messages.has(msg), `no "${msg}" line in ${lines.length} lines`)
      assert.ok(
        lines.some((l) => (l.level as number) <= 20),
        'nothing below info was captured',
      )
      assert.ok(text.includes(sweepId))

      const stored = await Promise.all(
        (['sweeps', 'sweep_accounts', 'org_snapshots', 'account_snapshots'] as const).map((table) =>
          ctx.store.handle.db.selectFrom(table).selectAll().execute(),
        ),
      )
      const api = await Promise.all(
        [`/v1/sweeps/${sweepId}`, `/v1/sweeps/${sweepId}/accounts`].map(
          async (url) => (await ctx.app.inject({ method: 'GET', url, headers: ctx.auth('read') })).body,
        ),
      )
      const everything = `${text}\n${JSON.stringify(stored)}\n${api.join('\n')}`
      for (const secret of SECRETS) {
        assert.equal(text.includes(secret), false, `${secret.slice(0, 8)}... is in the logs`)
        assert.equal(everything.includes(secret), false, `${secret.slice(0, 8)}... is stored or served`)
      }
      // The planted keys reached the pipeline and were scrubbed there, not dropped by chance.
      assert.match(JSON.stringify(stored), /\[redacted\]/)
    })
  })
}
