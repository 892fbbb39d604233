/**
 * Role trust policies, read through our parser: who may assume the role, and which condition
 * keys pin the request down. A key counts as pinning only under an operator that requires the
 * key to be present with one of the listed values: negated operators, `...IfExists`, `Null` and
 * `ForAllValues:` all pass a request that simply leaves the key out.
 */
import type { IamRole } from '../../org/account-state.js'
import {
  compilePolicy,
  type ParsedCondition,
  type ParsedPolicy,
  type ParsedStatement,
} from '../../policy/index.js'
import { parsedPolicy } from './policy-statements.js'

const PINNING_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'BinaryEquals',
])

export function pins(condition: ParsedCondition): boolean {
  return (
    PINNING_OPERATORS.has(condition.baseOperator) &&
    !condition.ifExists &&
    condition.setOperator !== 'ForAllValues'
  )
}

export interface TrustStatement {
  statement: ParsedStatement
  /** Principal `*` (or AWS `*`). */
  wildcard: boolean
  /** AWS principal entries: account ids, root, user and role ARNs, unique ids. */
  aws: string[]
  services: string[]
  federated: string[]
  /** Lower-cased condition keys that pin the request (see `pins`). */
  pinnedKeys: Set<string>
  /** Values of pinned keys, by lower-cased key. */
  pinnedValues: Map<string, string[]>
}

/** The Allow statements of a role's trust policy that let someone call sts:AssumeRole*. */
export function assumeStatements(role: IamRole): TrustStatement[] | null {
  const parsed = parsedPolicy(role.trustPolicy, 'trust')
  if (!parsed) return null
  return trustStatements(parsed)
}

function trustStatements(parsed: ParsedPolicy): TrustStatement[] {
  const compiled = compilePolicy(parsed)
  const out: TrustStatement[] = []
  parsed.statements.forEach((statement, i) => {
    if (statement.effect !== 'Allow' || !statement.principal) return
    const action = compiled.statements[i].action
    const assumes =
      action('sts:assumerole', 'sts') ||
      action('sts:assumerolewithwebidentity', 'sts') ||
      action('sts:assumerolewithsaml', 'sts')
    if (!assumes) return
    const pinnedKeys = new Set<string>()
    const pinnedValues = new Map<string, string[]>()
    for (const condition of statement.conditions) {
      if (!pins(condition)) continue
      const key = condition.key.toLowerCase()
      pinnedKeys.add(key)
      pinnedValues.set(key, [...(pinnedValues.get(key) ?? []), ...condition.values])
    }
    const p = statement.principal
    out.push({
      statement,
      wildcard: p.wildcard,
      aws: p.aws,
      services: p.service,
      federated: p.federated,
      pinnedKeys,
      pinnedValues,
    })
  })
  return out
}

const ACCOUNT_ID = /^\d{12}$/

/** The account an AWS principal entry belongs to; undefined for unique ids (AROA…, AIDA…). */
export function accountOfPrincipal(entry: string): string | undefined {
  if (ACCOUNT_ID.test(entry)) return entry
  const parts = entry.split(':')
  if (parts.length >= 6 && parts[0] === 'arn' && ACCOUNT_ID.test(parts[4])) return parts[4]
  return undefined
}

/** Keys that tie the caller to an account or organization, so `*` no longer means anyone. */
export const PRINCIPAL_SCOPING_KEYS = [
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:userid',
  'aws:username',
]

export function scopesPrincipal(statement: TrustStatement): boolean {
  return PRINCIPAL_SCOPING_KEYS.some((key) => statement.pinnedKeys.has(key))
}

/** `aws:PrincipalOrgID` pinned to our organization: whoever matches is inside it. */
export function pinnedToOrg(statement: TrustStatement, orgId: string | undefined): boolean {
  if (!orgId) return false
  const values = statement.pinnedValues.get('aws:principalorgid')
  return values !== undefined && values.length > 0 && values.every((v) => v === orgId)
}
