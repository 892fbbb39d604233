/**
 * Build a request from what a sweep knows about a principal: its ARN forms and the global
 * condition keys AWS would put in the request context. Caller-supplied keys override ours
 * (matched case-insensitively, as AWS matches key names).
 */

import type { ContextValue, EvaluationRequest, RequestPrincipal } from './types.js'

export interface PrincipalDescription {
  /** `role` and `assumed-role` both mean "a session of this role", which is what makes requests. */
  kind: 'root' | 'user' | 'role' | 'assumed-role'
  accountId: string
  /** User or role name (not for root). */
  name?: string
  /** IAM path, `/` by default. */
  path?: string
  sessionName?: string
  /** Unique id (AIDA… for users, AROA… for roles), for `aws:userid`. */
  uniqueId?: string
  tags?: Record<string, string>
  orgId?: string
  /** e.g. `o-abc/r-ab12/ou-ab12-11111111/` */
  orgPaths?: string[]
  partition?: string
}

export interface RequestSpec {
  principal: PrincipalDescription
  action: string
  /** Resource ARN, `*` by default. */
  resource?: string
  region?: string
  resourceAccountId?: string
  resourceOrgId?: string
  /** Extra or overriding context keys. */
  context?: Record<string, ContextValue>
}

function normalPath(path: string | undefined): string {
  if (!path || path === '/') return '/'
  return `${path.startsWith('/') ? '' : '/'}${path}${path.endsWith('/') ? '' : '/'}`
}

/** The ARN that `aws:PrincipalArn` carries: root, user or role (not the session). */
export function principalArnOf(p: PrincipalDescription): string {
  const partition = p.partition ?? 'aws'
  if (p.kind === 'root') return `arn:${partition}:iam::${p.accountId}:root`
  const type = p.kind === 'user' ? 'user' : 'role'
  return `arn:${partition}:iam::${p.accountId}:${type}${normalPath(p.path)}${p.name ?? ''}`
}

export function describePrincipal(p: PrincipalDescription): RequestPrincipal {
  const partition = p.partition ?? 'aws'
  const identityArn = principalArnOf(p)
  if (p.kind === 'root' || p.kind === 'user') {
    return { kind: p.kind, arn: identityArn, accountId: p.accountId }
  }
  const session = p.sessionName ?? 'orgwarden'
  return {
    kind: 'assumed-role',
    arn: `arn:${partition}:sts::${p.accountId}:assumed-role/${p.name ?? ''}/${session}`,
    accountId: p.accountId,
    identityArn,
  }
}

export function buildRequestContext(spec: RequestSpec): Record<string, ContextValue> {
  const p = spec.principal
  const ctx: Record<string, ContextValue> = {
    'aws:PrincipalArn': principalArnOf(p),
    'aws:PrincipalAccount': p.accountId,
    'aws:PrincipalType': p.kind === 'root' ? 'Account' : p.kind === 'user' ? 'User' : 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
  }
  if (p.orgId) ctx['aws:PrincipalOrgID'] = p.orgId
  if (p.orgPaths && p.orgPaths.length > 0) ctx['aws:PrincipalOrgPaths'] = p.orgPaths
  if (p.kind === 'user' && p.name) ctx['aws:username'] = p.name
  if (p.kind === 'root') ctx['aws:userid'] = p.accountId
  else if (p.uniqueId) {
    ctx['aws:userid'] = p.kind === 'user' ? p.uniqueId : `${p.uniqueId}:${p.sessionName ?? 'orgwarden'}`
  }
  if (p.kind !== 'root' && p.tags) {
    for (const [k, v] of Object.entries(p.tags)) ctx[`aws:PrincipalTag/${k}`] = v
  }
  if (spec.region) ctx['aws:RequestedRegion'] = spec.region
  if (spec.resourceAccountId) ctx['aws:ResourceAccount'] = spec.resourceAccountId
  if (spec.resourceOrgId) ctx['aws:ResourceOrgID'] = spec.resourceOrgId
  if (spec.context) {
    const lower = new Map(Object.keys(ctx).map((k) => [k.toLowerCase(), k]))
    for (const [k, v] of Object.entries(spec.context)) {
      const existing = lower.get(k.toLowerCase())
      if (existing !== undefined && existing !== k) delete ctx[existing]
      ctx[k] = v
    }
  }
  return ctx
}

export function buildRequest(spec: RequestSpec): EvaluationRequest {
  const request: EvaluationRequest = {
    principal: describePrincipal(spec.principal),
    action: spec.action,
    resource: spec.resource ?? '*',
    context: buildRequestContext(spec),
  }
  if (spec.resourceAccountId) request.resourceAccountId = spec.resourceAccountId
  return request
}
