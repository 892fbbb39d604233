import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

/**
 * One log line per request, when it completes: the request (method, url, host, client address),
 * the status, the response time and the request id. Fastify's default writes a second line when
 * the request arrives; at the findings list's rates that line is measurable CPU (bench/api.ts)
 * and tells an operator nothing the completion line does not. Error lines stay Fastify's own.
 */
export class CompletionRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
