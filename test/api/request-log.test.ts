import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { captureLogger } from '../aws/helpers.js'
import { createTestContext, type TestContext } from '../helpers/context.js'

// One line per request, on completion, with what an operator looks for; never the token.

describe('request log', () => {
  let ctx: TestContext
  const log = captureLogger()
  before(async () => {
    ctx = await createTestContext({ workers: false, log: log.logger })
  })
  after(() => ctx.close())

  const requestLines = (reqId: string) => log.lines().filter((l) => l.reqId === reqId)

  test('a request writes one line when it completes: method, url, status, time, request id', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/findings?severity=high&limit=5',
      headers: { ...ctx.auth('read'), 'x-request-id': 'req-log-0001' },
    })
    assert.equal(res.statusCode, 200, res.body)
    const lines = requestLines('req-log-0001')
    assert.equal(lines.length, 1, JSON.stringify(lines))
    const [line] = lines as [
      {
        msg: string
        req: { method: string; url: string }
        res: { statusCode: number }
        responseTime: unknown
      },
    ]
    assert.equal(line.msg, 'request completed')
    assert.equal(line.req.method, 'GET')
    assert.equal(line.req.url, '/v1/findings?severity=high&limit=5')
    assert.equal(line.res.statusCode, 200)
    assert.equal(typeof line.responseTime, 'number')
    assert.ok(!log.text().includes(ctx.auth('read').authorization!.slice(7)), 'the token is not logged')
  })

  test('a refused request is logged once too, with its status', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/findings?severity=urgent',
      headers: { ...ctx.auth('read'), 'x-request-id': 'req-log-0002' },
    })
    assert.equal(res.statusCode, 400)
    const completed = requestLines('req-log-0002').filter((l) => l.msg === 'request completed')
    assert.equal(completed.length, 1)
    assert.equal((completed[0] as { res: { statusCode: number } }).res.statusCode, 400)
  })
})
