/**
 * A worker that closes (SIGTERM) in the middle of a long sweep job does not hold the shutdown
 * until the process manager kills it:
 * - an organization read (a minute for a large organization) goes back to the queue, for another
 *   worker a second later, and the sweep goes on running;
 * - a tag refresh (minutes at the Organizations rate) stops: what was read is kept, the job ends
 *   normally, the rest waits for the next sweep.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sweepJobId, tagsJobId } from '../../src/queue/names.js'
import { createTestContext, runSweep, startSweep, type TestContext } from '../helpers/context.js'
import { waitFor } from '../helpers/wait.js'
import { wrappedSources } from '../helpers/wrapped-sources.js'

describe('tag refresh when the worker closes', () => {
  let ctx: TestContext
  let firstAccount: string | undefined
  let stillReading = false
  before(async () => {
    ctx = await createTestContext({
      // The demo snapshot as an AWS-like source that reads tags apart: one batch is saved, then
      // the read waits for more (as for the Organizations rate) until it is told to stop.
      sources: wrappedSources(() => ({
        async readAccountTags(accountIds, onBatch, signal) {
          firstAccount = accountIds[0]
          await onBatch(new Map([[accountIds[0], { team: 'platform' }]]))
          stillReading = true
          await new Promise((_, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
          })
          return { read: 1 }
        },
      })),
    })
  })
  after(() => ctx.close())

  test('the read stops, its saved batch stays, and the job completes', { timeout: 30_000 }, async () => {
    const sweep = await runSweep(ctx, { type: 'snapshot', name: 'demo-org' })
    assert.equal(sweep.status, 'completed')
    await waitFor('the first batch of tags saved', () => stillReading)
    const job = await ctx.queues.sweeps.getJob(tagsJobId(sweep.id))
    assert.equal(await job?.getState(), 'active')

    // Without the stop, close() would wait for a read that never ends (the test times out).
    await ctx.workers?.close()

    assert.ok(firstAccount)
    assert.deepEqual((await ctx.store.accountTags.get([firstAccount])).get(firstAccount), {
      team: 'platform',
    })
    const ended = await ctx.queues.sweeps.getJob(tagsJobId(sweep.id))
    assert.equal(await ended?.getState(), 'completed')
    assert.deepEqual(ended?.returnvalue, { stopped: 'the worker closed' })
  })
})

describe('organization read when the worker closes', () => {
  let ctx: TestContext
  let reading = false
  before(async () => {
    ctx = await createTestContext({
      // A read that goes on until it is told to stop, as a large organization's would.
      sources: wrappedSources(() => ({
        async readOrganization(signal) {
          reading = true
          return new Promise((_, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
          })
        },
      })),
    })
  })
  after(() => ctx.close())

  test('the read goes back to the queue and the sweep is still running, not failed', {
    timeout: 30_000,
  }, async () => {
    const id = await startSweep(ctx, { type: 'snapshot', name: 'demo-org' })
    await waitFor('the organization read started', () => reading)

    // Without the hand-back, close() would wait for a read that never ends (the test times out).
    await ctx.workers?.close()

    const job = await ctx.queues.sweeps.getJob(sweepJobId(id))
    assert.equal(await job?.getState(), 'delayed')
    assert.equal(job?.attemptsMade, 0)
    const sweep = (
      await ctx.app.inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: ctx.auth('read') })
    ).json()
    assert.equal(sweep.status, 'running')
    assert.equal(sweep.error ?? null, null)
  })
})
