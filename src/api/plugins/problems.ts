import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

interface FieldError {
  field: string
  message: string
}

const TYPE_BASE = 'https://orgwarden.dev/problems/'

/**
 * One place turns every error into RFC 9457 problem+json. Client errors say what is wrong and
 * name the field; server errors are logged with the request and hidden behind a generic detail.
 */
export const problemsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError & { fieldErrors?: FieldError[] }, req, reply) => {
    if (err.validation) {
      const errors = err.validation.map((v) => toFieldError(err.validationContext ?? 'request', v))
      const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
      return sendProblem(reply, req, 400, 'invalid-request', 'Invalid request', detail, errors)
    }
    const status = err.statusCode ?? 500
    if (status >= 500) {
      req.log.error({ err }, 'request failed')
      return sendProblem(
        reply,
        req,
        status,
        'internal',
        'Internal error',
        `see the server logs for request ${req.id}`,
      )
    }
    return sendProblem(reply, req, status, problemCode(err), titleOf(status), err.message, err.fieldErrors)
  })

  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, req, 404, 'not-found', 'Not found', `no route ${req.method} ${req.url.split('?')[0]}`),
  )
})

export function sendProblem(
  reply: FastifyReply,
  req: FastifyRequest,
  status: number,
  code: string,
  title: string,
  detail?: string,
  errors?: FieldError[],
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: TYPE_BASE + code, title, status, detail, instance: req.url.split('?')[0], errors })
}

function problemCode(err: FastifyError): string {
  // Our own errors carry readable codes; Fastify's (FST_ERR_CTP_BODY_TOO_LARGE...) are mapped by status.
  if (err.code && !err.code.startsWith('FST_')) return err.code.toLowerCase()
  const byStatus: Record<number, string> = {
    400: 'invalid-request',
    404: 'not-found',
    413: 'body-too-large',
    415: 'unsupported-media-type',
    429: 'rate-limited',
  }
  return byStatus[err.statusCode ?? 400] ?? 'client-error'
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: 'Invalid request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
    413: 'Request body too large',
    415: 'Unsupported media type',
    422: 'Unprocessable request',
    429: 'Too many requests',
  }
  return titles[status] ?? 'Request error'
}

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/** `body` + `/scope/accountIds/0` → `body.scope.accountIds[0]`; missing and unknown fields named too. */
function toFieldError(context: string, v: AjvError): FieldError {
  const segments = v.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  let path = context
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : `.${s}`
  if (v.keyword === 'required')
    return { field: `${path}.${v.params.missingProperty}`, message: 'is required' }
  if (v.keyword === 'additionalProperties') {
    return { field: `${path}.${v.params.additionalProperty}`, message: 'is not a known field' }
  }
  return { field: path, message: v.message ?? 'is invalid' }
}
