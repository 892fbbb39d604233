/**
 * Principal / NotPrincipal matching for resource-based, trust and resource control policies.
 *
 * How a principal matched matters for same-account evaluation (IAM User Guide, "Determining
 * whether a request is allowed or denied within an account"):
 * - `direct`: the caller itself (user ARN, role-session ARN, federated-user ARN, service, `*`):
 *   the resource policy grants on its own;
 * - `identity`: the role (or the IAM user that federated) behind a session: the grant is still
 *   limited by an implicit deny in a permissions boundary or session policy;
 * - `account`: the whole account (`123456789012` or `…:root`): delegation only, the account's
 *   identity policies must allow too.
 */

import { principalAccount } from '../arn.js'
import type { PreparedRequest } from '../prepared-request.js'
import type { PrincipalSpec } from '../types.js'

export type PrincipalMatch = 'none' | 'account' | 'identity' | 'direct'

export type PrincipalMatcher = (req: PreparedRequest) => PrincipalMatch

interface CompiledPrincipal {
  wildcard: boolean
  accounts: Set<string>
  arns: Set<string>
  services: Set<string>
  federated: Set<string>
  canonical: Set<string>
}

function compileSpec(spec: PrincipalSpec): CompiledPrincipal {
  const accounts = new Set<string>()
  const arns = new Set<string>()
  for (const entry of spec.aws) {
    const account = principalAccount(entry)
    if (account) accounts.add(account)
    else arns.add(entry)
  }
  return {
    wildcard: spec.wildcard,
    accounts,
    arns,
    services: new Set(spec.service),
    federated: new Set(spec.federated),
    canonical: new Set(spec.canonicalUser),
  }
}

function matchOne(p: CompiledPrincipal, req: PreparedRequest): PrincipalMatch {
  if (p.wildcard) return 'direct'
  const principal = req.principal
  switch (principal.kind) {
    case 'service':
      return p.services.has(principal.arn.toLowerCase()) ? 'direct' : 'none'
    case 'web-identity':
    case 'saml':
      return p.federated.has(principal.arn) ? 'direct' : 'none'
    case 'canonical-user':
      return p.canonical.has(principal.arn.toLowerCase()) ? 'direct' : 'none'
    case 'anonymous':
      return 'none'
    default:
      if (p.arns.has(principal.arn)) return 'direct'
      if (principal.identityArn && p.arns.has(principal.identityArn)) return 'identity'
      if (req.principalAccount && p.accounts.has(req.principalAccount)) return 'account'
      return 'none'
  }
}

/**
 * NotPrincipal spares a principal only when every identity it carries is listed (its account,
 * its role or user, its session): AWS evaluates each of them.
 */
function isSpared(p: CompiledPrincipal, req: PreparedRequest): boolean {
  if (p.wildcard) return true
  const principal = req.principal
  switch (principal.kind) {
    case 'service':
    case 'web-identity':
    case 'saml':
    case 'canonical-user':
      return matchOne(p, req) !== 'none'
    case 'anonymous':
      return false
    default: {
      if (!req.principalAccount || !p.accounts.has(req.principalAccount)) return false
      if (principal.kind === 'root') return true
      if (principal.identityArn && !p.arns.has(principal.identityArn)) return false
      return p.arns.has(principal.arn)
    }
  }
}

/** Matcher for a statement's principal element; `undefined` for statements without one. */
export function compileStatementPrincipal(
  principal: PrincipalSpec | undefined,
  notPrincipal: PrincipalSpec | undefined,
  effect: 'Allow' | 'Deny',
): PrincipalMatcher | undefined {
  if (principal) {
    const p = compileSpec(principal)
    return (req) => matchOne(p, req)
  }
  if (notPrincipal) {
    const p = compileSpec(notPrincipal)
    return (req) => {
      // IAM User Guide: NotPrincipal with Deny always denies principals that have a boundary.
      if (effect === 'Deny' && req.hasBoundary) return 'direct'
      return isSpared(p, req) ? 'none' : 'direct'
    }
  }
  return undefined
}
