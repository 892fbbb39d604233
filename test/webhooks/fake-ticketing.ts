import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TicketRequest {
  method: string
  path: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read request bodies field by field
  json: any
}

export interface FakeIssue {
  id: string
  key: string
  labels: string[]
  comments: string[]
  transitions: string[]
}

export interface FakeIncident {
  sys_id: string
  number: string
  correlation_id: string
  state: string
  work_notes: string[]
}

const adfText = (doc: { content?: Array<{ content?: Array<{ text?: string }> }> }) =>
  (doc.content ?? []).map((p) => (p.content ?? []).map((t) => t.text ?? '').join('')).join('\n')

/**
 * A fake Jira Cloud (under /jira) and ServiceNow (under /snow) on 127.0.0.1 speaking the REST
 * shapes Orgwarden uses: Jira create issue, JQL search, comment, transitions; ServiceNow Table
 * API create, query and PATCH of an incident. `loseAnswers` creates drop the connection after
 * creating the record, as a lost answer would. While `down` is set every request gets a 503.
 */
export async function startFakeTicketing(opts: { loseAnswers?: number } = {}) {
  let lose = opts.loseAnswers ?? 0
  const requests: TicketRequest[] = []
  const issues: FakeIssue[] = []
  const incidents: FakeIncident[] = []
  const state = { down: false }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const json = text ? JSON.parse(text) : undefined
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = req.method ?? 'GET'
    requests.push({ method, path: url.pathname, json })
    const answer = (status: number, body?: unknown): void => {
      res.statusCode = status
      if (body !== undefined) res.setHeader('content-type', 'application/json')
      res.end(body === undefined ? undefined : JSON.stringify(body))
    }
    const created = (status: number, body: unknown): void => {
      if (lose > 0) {
        lose--
        req.socket.destroy()
      } else answer(status, body)
    }
    if (state.down) return answer(503, { error: 'service unavailable' })
    const path = url.pathname
    const onIssue = /^\/jira\/rest\/api\/3\/issue\/([^/]+)\/(comment|transitions)$/.exec(path)
    const onIncident = /^\/snow\/api\/now\/table\/incident\/([^/]+)$/.exec(path)
    if (method === 'POST' && path === '/jira/rest/api/3/issue') {
      const n = issues.length + 1
      const issue = {
        id: String(10_000 + n),
        key: `SEC-${n}`,
        labels: json.fields.labels,
        comments: [],
        transitions: [],
      }
      issues.push(issue)
      return created(201, { id: issue.id, key: issue.key, self: `http://fake/rest/api/3/issue/${issue.id}` })
    }
    if (method === 'POST' && path === '/jira/rest/api/3/search/jql') {
      const label = /labels = "([^"]+)"/.exec(json.jql)?.[1]
      const found = issues.filter((i) => label && i.labels.includes(label)).reverse()
      return answer(200, { issues: found.slice(0, json.maxResults).map((i) => ({ id: i.id, key: i.key })) })
    }
    if (onIssue && method === 'POST') {
      const issue = issues.find((i) => i.key === onIssue[1])
      if (!issue) return answer(404, { errorMessages: ['Issue does not exist'] })
      if (onIssue[2] === 'comment') {
        issue.comments.push(adfText(json.body))
        return answer(201, { id: String(issue.comments.length) })
      }
      issue.transitions.push(json.transition.id)
      return answer(204)
    }
    if (path === '/snow/api/now/table/incident' && method === 'POST') {
      const n = incidents.length + 1
      const incident = {
        sys_id: `${n}`.padStart(32, 'a'),
        number: `INC${String(n).padStart(7, '0')}`,
        correlation_id: json.correlation_id,
        state: '1',
        work_notes: [],
      }
      incidents.push(incident)
      return created(201, { result: { ...incident } })
    }
    if (path === '/snow/api/now/table/incident' && method === 'GET') {
      const id = /correlation_id=([^^]+)/.exec(url.searchParams.get('sysparm_query') ?? '')?.[1]
      const found = incidents.filter((i) => i.correlation_id === id).reverse()
      return answer(200, { result: found.slice(0, 1).map((i) => ({ sys_id: i.sys_id, number: i.number })) })
    }
    if (onIncident && method === 'PATCH') {
      const incident = incidents.find((i) => i.sys_id === onIncident[1])
      if (!incident) return answer(404, { error: { message: 'No Record found' } })
      if (json.state) incident.state = json.state
      if (json.work_notes) incident.work_notes.push(json.work_notes)
      return answer(200, { result: { ...incident } })
    }
    answer(404, { error: `no route ${method} ${path}` })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    jira: `${origin}/jira`,
    snow: `${origin}/snow`,
    requests,
    /** Every request answers 503 while true (the receiver is down). */
    setDown: (down: boolean) => {
      state.down = down
    },
    issues,
    incidents,
    /** Requests that change something (everything but look-ups). */
    writes: () => requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/search/jql')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
