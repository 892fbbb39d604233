/** What a handler returns or throws; the server renders errors in the protocol of the service. */
export type Protocol = 'query' | 'json' | 'rest-json'

export interface SimRequest {
  service: string
  operation: string
  region: string
  /** The account whose credentials signed the request. */
  caller: string
  /** awsQuery parameters, or the JSON body / query string of JSON protocols. */
  params: URLSearchParams
  json: Record<string, unknown>
  requestId: string
}

export interface SimResponse {
  status?: number
  body: string
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly sender = true,
  ) {
    super(message)
  }
}

/** `Filter.member.1=User&Filter.member.2=Role` → ['User', 'Role']. */
export function queryList(params: URLSearchParams, name: string): string[] {
  const out: string[] = []
  for (let i = 1; ; i++) {
    const value = params.get(`${name}.member.${i}`)
    if (value === null) return out
    out.push(value)
  }
}

/** Opaque-looking pagination tokens that carry an offset. */
export function token(offset: number): string {
  return Buffer.from(`sim:${offset}`).toString('base64')
}

export function offsetOf(value: unknown): number {
  if (typeof value !== 'string' || value === '') return 0
  const match = /^sim:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'))
  if (!match) throw new SimError(400, 'InvalidInputException', 'the pagination token is not valid')
  return Number(match[1])
}
