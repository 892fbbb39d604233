/**
 * One tag refresh at a time: a sweep that starts while the refresh another sweep left running
 * still reads does not start a second one beside it (two refreshes, each at the Organizations
 * rate, together exceed it: AWS throttles them and every other caller of the management account).
 * Its refresh runs when the first ends.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { tagsJobId } from '../../src/queue/names.js'
import { createTestContext, runSweep, type TestContext } from '../helpers/context.js'
import { waitFor } from '../helpers/wait.js'
import { wrappedSources } from '../helpers/wrapped-sources.js'

describe('tag refreshes of overlapping sweeps', () => {
  let ctx: TestContext
  let reading = 0
  let mostAtOnce = 0
  let reads = 0
  let release: (() => void) | undefined
  before(async () => {
    ctx = await createTestContext({
      // The first refresh waits until the test lets it end, as a long one at the rate would.
      sources: wrappedSources(() => ({
        async readAccountTags(accountIds, onBatch) {
          reads++
          reading++
          mostAtOnce = Math.max(mostAtOnce, reading)
          if (reads === 1) await new Promise<void>((resolve) => (release = resolve))
          await onBatch(new Map([[accountIds[0], { read: String(reads) }]]))
          reading--
          return { read: 1 }
        },
      })),
    })
  })
  after(async () => {
    release?.()
    await ctx.close()
  })

  test("the second sweep's refresh waits for the first's instead of running beside it", {
    timeout: 60_000,
  }, async () => {
    const first = await runSweep(ctx, { type: 'snapshot', name: 'demo-org' })
    await waitFor('the first refresh reading', () => release)
    const second = await runSweep(ctx, { type: 'snapshot', name: 'demo-org' })
    assert.equal(second.status, 'completed')
    // The sweeps worker has room for another job, but the second refresh is only kept for later.
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(reads, 1)
    assert.equal(await ctx.queues.sweeps.getJob(tagsJobId(second.id)), undefined)

    release?.()
    const done = await waitFor('the second refresh', async () => {
      const job = await ctx.queues.sweeps.getJob(tagsJobId(second.id))
      return (await job?.getState()) === 'completed' ? job : undefined
    })
    assert.equal((await ctx.queues.sweeps.getJob(tagsJobId(first.id)))?.finishedOn !== undefined, true)
    assert.equal(reads, 2)
    assert.equal(mostAtOnce, 1)
    assert.equal(done.data.sweepId, second.id)
  })
})
