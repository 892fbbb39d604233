import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { classifyError } from '../../src/aws/errors.js'
import { concurrencyLimit, TokenBucket } from '../../src/aws/limiter.js'
import { awsError } from './helpers.js'

describe('concurrencyLimit', () => {
  test('never runs more than its limit at once, and runs everything', async () => {
    const limit = concurrencyLimit(3)
    let running = 0
    let peak = 0
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running++
          peak = Math.max(peak, running)
          await new Promise((resolve) => setTimeout(resolve, 2))
          running--
          return i
        }),
      ),
    )
    assert.equal(peak, 3)
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i),
    )
  })

  test('a failure frees its slot', async () => {
    const limit = concurrencyLimit(1)
    await assert.rejects(
      limit(async () => Promise.reject(new Error('boom'))),
      /boom/,
    )
    assert.equal(await limit(async () => 'next'), 'next')
  })
})

describe('TokenBucket', () => {
  test('serves the burst at once, then one token per 1/rate seconds', async () => {
    let now = 0
    const waits: number[] = []
    const bucket = new TokenBucket(
      { rate: 2, burst: 3 },
      () => now,
      async (ms) => {
        waits.push(ms)
        now += ms
      },
    )
    for (let i = 0; i < 6; i++) await bucket.take()
    assert.deepEqual(waits, [500, 500, 500])
    assert.equal(now, 1500)
  })

  test('an aborted taker does not block the ones behind it', async () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 1 })
    await bucket.take()
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await assert.rejects(bucket.take(controller.signal), /cancelled/)
    await bucket.take()
  })
})

describe('classifyError', () => {
  test('throttling, 5xx and network are transient; denials and other 4xx are gaps; the rest is ours', () => {
    assert.equal(classifyError(awsError('Throttling')), 'throttled')
    assert.equal(classifyError(awsError('TooManyRequestsException')), 'throttled')
    assert.equal(classifyError(awsError('Whatever', 'x', { status: 429 })), 'throttled')
    assert.equal(classifyError(awsError('InternalFailure', 'x', { status: 500 })), 'transient')
    assert.equal(
      classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
      'transient',
    )
    assert.equal(classifyError(Object.assign(new Error('t'), { name: 'TimeoutError' })), 'transient')
    assert.equal(classifyError(awsError('ExpiredToken')), 'transient')
    assert.equal(classifyError(awsError('AccessDenied', 'x', { status: 403 })), 'denied')
    assert.equal(classifyError(awsError('UnrecognizedClientException')), 'denied')
    assert.equal(classifyError(awsError('NoSuchEntity', 'x', { status: 404 })), 'refused')
    assert.equal(classifyError(new TypeError('x is undefined')), 'unknown')
  })
})
