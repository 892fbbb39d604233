import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read receiver bodies field by field
  json: any
}

/**
 * A real HTTP receiver on 127.0.0.1 recording every request. `respond` picks the status of each
 * (default 200); it sees how many requests came before.
 */
export async function startReceiver(
  respond: (n: number, req: Received) => number | Promise<number> = () => 200,
) {
  const received: Received[] = []
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      json = undefined
    }
    const r = { url: req.url ?? '', headers: req.headers, body, json }
    const n = received.length
    received.push(r)
    res.statusCode = await respond(n, r)
    res.end('ok')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export { waitFor } from '../helpers/wait.js'
