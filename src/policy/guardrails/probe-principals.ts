/**
 * Probe principals. The generic ones stand for "any principal of this kind": their names are
 * ones no exemption would list, so a probe that gets through them shows a hole open to every
 * new user or role. Real principals come from the account's collected IAM state.
 */

import { parseArn } from '../arn.js'
import type { PrincipalDescription } from '../request-context.js'
import type { ProbePrincipal } from './guardrail-types.js'

export const GENERIC_USER_NAME = 'orgwarden-probe-user-7c1e'
export const GENERIC_ROLE_NAME = 'orgwarden-probe-role-7c1e'

export function genericProbePrincipals(accountId: string): ProbePrincipal[] {
  return [
    { id: 'generic:root', label: 'root user', generic: true, principal: { kind: 'root', accountId } },
    {
      id: 'generic:user',
      label: 'any IAM user',
      generic: true,
      principal: { kind: 'user', accountId, name: GENERIC_USER_NAME },
    },
    {
      id: 'generic:role',
      label: 'any IAM role',
      generic: true,
      principal: { kind: 'role', accountId, name: GENERIC_ROLE_NAME, sessionName: 'orgwarden-probe' },
    },
  ]
}

/** True for service-linked roles, which SCPs never restrict (they are left out of probing). */
export function isServiceLinkedRoleArn(arn: string): boolean {
  return arn.includes(':role/aws-service-role/')
}

/**
 * A real user or role from its ARN (path kept), with its tags. Returns undefined for ARNs that
 * are neither, and for service-linked roles.
 */
export function probePrincipalFromArn(
  arn: string,
  tags?: Record<string, string>,
): ProbePrincipal | undefined {
  const parts = parseArn(arn)
  if (parts?.service !== 'iam' || isServiceLinkedRoleArn(arn)) return undefined
  const slash = parts.resource.indexOf('/')
  const type = parts.resource.slice(0, slash)
  if (slash < 0 || (type !== 'user' && type !== 'role')) return undefined
  const rest = parts.resource.slice(slash)
  const lastSlash = rest.lastIndexOf('/')
  const principal: PrincipalDescription = {
    kind: type,
    accountId: parts.account,
    name: rest.slice(lastSlash + 1),
    path: rest.slice(0, lastSlash + 1),
    partition: parts.partition,
  }
  if (tags) principal.tags = tags
  return { id: arn, label: arn, generic: false, principal }
}
