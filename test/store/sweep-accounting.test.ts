/**
 * The AWS accounting of a sweep (GET /v1/sweeps/:id `accounting`) is summed in SQL from the call
 * statistics each account stored when it finished. Here the statistics carry retries, throttled
 * answers, errors and bytes (a mocked SDK client never produces them), and some accounts carry
 * none at all (snapshot source, an account cancelled before its attempt).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'
import { EMPTY_ORG } from '../helpers/empty-org.js'

const org = EMPTY_ORG

const api = (calls: Record<string, number>, extra: Partial<Record<string, unknown>> = {}) => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  calls,
  totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
  retries: 0,
  throttled: 0,
  errors: {},
  responseBytes: 0,
  ...extra,
})

for (const kind of STORE_KINDS) {
  describe(`sweep accounting on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    before(async () => {
      ;({ store, close } = await openTestStore(kind))
    })
    after(() => close())

    async function plannedSweep(ids: string[]) {
      const { sweep } = await store.sweeps.create({
        id: randomUUID(),
        sourceKind: 'aws',
        sourceName: 'aws',
        scope: { all: true, organizationalUnitIds: [], accountIds: [] },
        requestedBy: 't',
      })
      await store.sweeps.recordPlan(
        sweep.id,
        org,
        ids.map((id) => ({ accountId: id, accountName: id, ouPath: 'o-abc123defg/r-ab12/' })),
      )
      return sweep.id
    }

    test('sums calls by operation, retries, throttling, errors and bytes over the accounts', async () => {
      const id = await plannedSweep(['111111111111', '222222222222', '333333333333', '444444444444'])
      await store.sweeps.completeAccount(
        id,
        '111111111111',
        {},
        {
          durationMs: 400,
          api: api(
            { 'sts:AssumeRole': 1, 'iam:GetAccountAuthorizationDetails': 3, 'iam:ListPolicies': 2 },
            { retries: 4, throttled: 3, responseBytes: 120_000 },
          ),
        },
      )
      await store.sweeps.completeAccount(
        id,
        '222222222222',
        {},
        {
          durationMs: 200,
          api: api(
            { 'sts:AssumeRole': 1, 'iam:GetAccountAuthorizationDetails': 1 },
            {
              responseBytes: 30_000,
              errors: { 'config:DescribeConfigurationRecorders AccessDeniedException': 1 },
            },
          ),
        },
      )
      await store.sweeps.finishAccount(id, '333333333333', 'unreachable', 'role missing', {
        stats: {
          durationMs: 50,
          api: api({ 'sts:AssumeRole': 1 }, { errors: { 'sts:AssumeRole AccessDenied': 1 } }),
        },
      })
      // Cancelled before any attempt: no statistics, not counted in the means.
      await store.sweeps.finishAccount(id, '444444444444', 'cancelled', 'sweep cancelled')

      const a = await store.sweeps.accounting(id)
      assert.deepEqual(a, {
        accounts: 3,
        totalCalls: 9,
        callsByOperation: {
          'iam:GetAccountAuthorizationDetails': 4,
          'iam:ListPolicies': 2,
          'sts:AssumeRole': 3,
        },
        retries: 4,
        throttled: 3,
        errors: 2,
        responseBytes: 150_000,
        callsPerAccount: { mean: 3, max: 6, maxAccountId: '111111111111' },
        durationMsPerAccount: { mean: 216.7, max: 400 },
      })
    })

    test('a sweep whose accounts carry no call statistics (snapshot source) reports zeros', async () => {
      const id = await plannedSweep(['555555555555'])
      await store.sweeps.completeAccount(id, '555555555555', {}, { durationMs: 3, attempt: 1 })
      assert.deepEqual(await store.sweeps.accounting(id), {
        accounts: 0,
        totalCalls: 0,
        callsByOperation: {},
        retries: 0,
        throttled: 0,
        errors: 0,
        responseBytes: 0,
        callsPerAccount: { mean: null, max: null, maxAccountId: null },
        durationMsPerAccount: { mean: null, max: null },
      })
    })

    test('only the asked sweep is summed', async () => {
      const one = await plannedSweep(['111111111111'])
      const two = await plannedSweep(['111111111111'])
      await store.sweeps.completeAccount(one, '111111111111', {}, { durationMs: 1, api: api({ 'a:B': 5 }) })
      await store.sweeps.completeAccount(two, '111111111111', {}, { durationMs: 1, api: api({ 'a:B': 7 }) })
      assert.deepEqual((await store.sweeps.accounting(two)).callsByOperation, { 'a:B': 7 })
      assert.equal((await store.sweeps.accounting(one)).totalCalls, 5)
    })
  })
}
