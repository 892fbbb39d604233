import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam'
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-organizations'
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import { scrub } from '../../src/aws/errors.js'
import type { CollectionReport } from '../../src/sources/aws-source.js'
import {
  accountOfClient,
  accountOfRoleArn,
  awsError,
  BASE_KEY_ID,
  BASE_SECRET,
  captureLogger,
  SWEEP,
  sessionKeyId,
  sessionSecret,
  sessionToken,
  stsCredentials,
  testSource,
} from './helpers.js'
import { createMocks, installHappyAccounts, resetMocks } from './world.js'

const mocks = createMocks()
const HUB = '100000000001'
const OK = '800000000008'
const DENIED = '810000000001'
const THROTTLED = '820000000002'
const ACCOUNTS = [OK, DENIED, THROTTLED]

beforeEach(() => {
  resetMocks(mocks)
  installHappyAccounts(mocks)
  const org = mocks.organizations
  org.on(DescribeOrganizationCommand).resolves({
    Organization: {
      Id: 'o-1',
      Arn: `arn:aws:organizations::${HUB}:organization/o-1`,
      MasterAccountId: HUB,
      FeatureSet: 'ALL',
    },
  })
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1', Arn: 'arn:r', Name: 'Root', PolicyTypes: [] }] })
  org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] })
  org.on(ListAccountsForParentCommand).resolves({ Accounts: ACCOUNTS.map((Id) => ({ Id, State: 'ACTIVE' })) })
  org.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] })
  org.on(ListTagsForResourceCommand).resolves({ Tags: [] })

  mocks.sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = accountOfRoleArn(input.RoleArn)
    if (account === DENIED) {
      // STS never puts keys in this message; the test does, to prove they would not get out.
      throw awsError(
        'AccessDenied',
        `User: arn:aws:sts::${HUB}:assumed-role/Hub/x (key ${sessionKeyId(HUB)}) is not authorized`,
        {
          status: 403,
        },
      )
    }
    return { Credentials: stsCredentials(account) }
  })
  mocks.iam.on(GetAccountSummaryCommand).callsFake(async (_input, getClient) => {
    if ((await accountOfClient(getClient)) === THROTTLED) {
      throw awsError(
        'Throttling',
        `Rate exceeded for ${sessionKeyId(THROTTLED)} token ${sessionToken(THROTTLED)}`,
      )
    }
    return { SummaryMap: { AccountMFAEnabled: 1 } }
  })
})

describe('credentials never leave the process', () => {
  test('no key id, secret or session token in any log line, error, report or state of a sweep', async () => {
    const log = captureLogger()
    const reports: CollectionReport[] = []
    const source = testSource({
      logger: log.logger,
      hubRoleArn: `arn:aws:iam::${HUB}:role/Hub`,
      externalId: 'ext-secret-ish',
      onStats: (report) => reports.push(report),
    })
    const outputs: unknown[] = [await source.readOrganization()]
    for (const id of ACCOUNTS) {
      try {
        outputs.push(await source.collectAccount(id, { sweepId: SWEEP }))
      } catch (err) {
        const e = err as Error & { reason?: string }
        log.logger.error({ err, accountId: id }, 'collection failed')
        outputs.push({ message: e.message, reason: e.reason, stack: e.stack })
      }
    }
    outputs.push(reports)

    const secrets = [
      BASE_KEY_ID,
      BASE_SECRET,
      ...[HUB, ...ACCOUNTS].flatMap((id) => [sessionKeyId(id), sessionSecret(id), sessionToken(id)]),
    ]
    const text = `${log.text()}\n${JSON.stringify(outputs)}`
    for (const secret of secrets)
      assert.equal(text.includes(secret), false, `${secret.slice(0, 8)}... leaked`)

    // The test looked at real output: every outcome was logged and reported.
    const messages = log.lines().map((line) => line.msg)
    assert.ok(messages.includes('assumed role'))
    assert.ok(messages.includes('account collected'))
    assert.equal(messages.filter((m) => m === 'collection failed').length, 2)
    assert.deepEqual(
      reports.map((r) => (r.scope === 'account' ? `${r.accountId} ${r.outcome}` : r.outcome)),
      ['read', `${OK} collected`, `${DENIED} unreachable`, `${THROTTLED} failed`],
    )
    assert.match(text, /\[redacted\]/, 'the planted keys were scrubbed, not dropped by chance')
  })

  test('scrub removes key ids and long secrets and keeps ARNs and account ids', () => {
    const arn = 'arn:aws:iam::123456789012:role/OrgwardenAudit'
    assert.equal(
      scrub(`key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY on ${arn}`),
      `key [redacted] secret [redacted] on ${arn}`,
    )
  })
})
