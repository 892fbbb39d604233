/**
 * A request normalised once for matching: lower-cased action, split resource ARN, context keys
 * lower-cased into a Map of string lists. Preparation is cached per request object, so callers
 * that evaluate the same request against several policy sets pay for it once (a request must not
 * be changed after it has been evaluated).
 */

import { type ArnParts, parseArn } from './arn.js'
import { objectCache } from './object-cache.js'
import type { ContextValue, EvaluationRequest, RequestPrincipal } from './types.js'

export interface PreparedRequest {
  principal: RequestPrincipal
  /** Account of the principal (from the request or its ARN). */
  principalAccount?: string
  actionLower: string
  /** Service prefix of the action, lower-cased. */
  service: string
  /** Service-linked roles escape SCPs and RCPs; decided once per request. */
  serviceLinkedRole: boolean
  resource: string
  resourceArn?: ArnParts
  resourceAccount?: string
  context: Map<string, string[]>
  /** Set by the evaluator: NotPrincipal with Deny never spares a principal that has a boundary. */
  hasBoundary: boolean
}

function toStrings(value: ContextValue): string[] {
  if (Array.isArray(value)) return value.map(String)
  return [String(value)]
}

export function contextMap(context: Record<string, ContextValue> | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>()
  if (!context) return map
  for (const key of Object.keys(context)) {
    const value = context[key]
    if (value === undefined || value === null) continue
    map.set(key.toLowerCase(), toStrings(value))
  }
  return map
}

function accountOf(principal: RequestPrincipal): string | undefined {
  if (principal.accountId) return principal.accountId
  const arn = parseArn(principal.arn)
  return arn?.account || undefined
}

export function isServiceLinkedRole(principal: RequestPrincipal): boolean {
  if (principal.identityArn?.includes(':role/aws-service-role/')) return true
  return principal.arn.includes(':assumed-role/AWSServiceRoleFor')
}

/** Requests are treated as immutable once evaluated: their preparation is kept on them. */
const cache = objectCache<EvaluationRequest, PreparedRequest>('orgwarden.prepared-request')

export function prepareRequest(request: EvaluationRequest): PreparedRequest {
  const cached = cache.get(request)
  if (cached) return cached
  const resourceArn = parseArn(request.resource)
  const actionLower = request.action.toLowerCase()
  const context = contextMap(request.context)
  const prepared: PreparedRequest = {
    principal: request.principal,
    principalAccount: accountOf(request.principal),
    actionLower,
    service: actionLower.slice(0, actionLower.indexOf(':')),
    serviceLinkedRole: isServiceLinkedRole(request.principal),
    resource: request.resource,
    resourceArn,
    resourceAccount: request.resourceAccountId ?? (resourceArn?.account || undefined),
    context,
    hasBoundary: false,
  }
  cache.set(request, prepared)
  return prepared
}
