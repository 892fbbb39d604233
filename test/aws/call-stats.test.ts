import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { call } from '../../src/aws/aws-call.js'
import { StatsRecorder, withStats } from '../../src/aws/call-stats.js'

describe('call statistics of a collection', () => {
  test('collections running at the same time each count their own calls and failures', async () => {
    const a = new StatsRecorder()
    const b = new StatsRecorder()
    const reply = () => sleep(1)
    const refuse = async () => {
      await sleep(1)
      throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
    }
    await Promise.all([
      withStats(a, undefined, async (signal) => {
        for (let i = 0; i < 3; i++) await call('iam:GetAccountSummary', reply, { signal })
      }),
      withStats(b, undefined, async (signal) => {
        await call('iam:ListVirtualMFADevices', reply, { signal })
        await call('iam:GetAccountPasswordPolicy', refuse, { signal }).catch(() => {})
      }),
    ])
    assert.deepEqual(a.finish().calls, { 'iam:GetAccountSummary': 3 })
    assert.deepEqual(a.finish().errors, {})
    assert.deepEqual(b.finish().calls, { 'iam:GetAccountPasswordPolicy': 1, 'iam:ListVirtualMFADevices': 1 })
    assert.deepEqual(b.finish().errors, { 'iam:GetAccountPasswordPolicy AccessDenied': 1 })
  })

  test("a collection's signal is aborted with the caller's, and the caller's reason", async () => {
    const caller = new AbortController()
    const reason = new Error('sweep cancelled')
    const seen = await withStats(new StatsRecorder(), caller.signal, async (signal) => {
      assert.notEqual(signal, caller.signal)
      caller.abort(reason)
      return signal
    })
    assert.equal(seen.aborted, true)
    assert.equal(seen.reason, reason)
  })
})
