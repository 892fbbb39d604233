/**
 * The condition operator table: every base operator with its family and whether it is negated,
 * and the parser for the full operator syntax `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
 */

import type { BaseOperator, SetOperator } from './types.js'

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null'

export interface OperatorInfo {
  family: OperatorFamily
  /** Negated operators match when no policy value matches (AWS: values combine as NOR). */
  negated: boolean
  /** The comparison inside the family. */
  variant: 'equals' | 'equalsIgnoreCase' | 'like' | 'lt' | 'lte' | 'gt' | 'gte' | 'match'
  /** Whether policy variables are substituted in values (AWS: string, ARN and Bool operators). */
  variables: boolean
}

export const OPERATORS: Readonly<Record<BaseOperator, OperatorInfo>> = {
  StringEquals: { family: 'string', negated: false, variant: 'equals', variables: true },
  StringNotEquals: { family: 'string', negated: true, variant: 'equals', variables: true },
  StringEqualsIgnoreCase: { family: 'string', negated: false, variant: 'equalsIgnoreCase', variables: true },
  StringNotEqualsIgnoreCase: {
    family: 'string',
    negated: true,
    variant: 'equalsIgnoreCase',
    variables: true,
  },
  StringLike: { family: 'string', negated: false, variant: 'like', variables: true },
  StringNotLike: { family: 'string', negated: true, variant: 'like', variables: true },
  NumericEquals: { family: 'numeric', negated: false, variant: 'equals', variables: false },
  NumericNotEquals: { family: 'numeric', negated: true, variant: 'equals', variables: false },
  NumericLessThan: { family: 'numeric', negated: false, variant: 'lt', variables: false },
  NumericLessThanEquals: { family: 'numeric', negated: false, variant: 'lte', variables: false },
  NumericGreaterThan: { family: 'numeric', negated: false, variant: 'gt', variables: false },
  NumericGreaterThanEquals: { family: 'numeric', negated: false, variant: 'gte', variables: false },
  DateEquals: { family: 'date', negated: false, variant: 'equals', variables: false },
  DateNotEquals: { family: 'date', negated: true, variant: 'equals', variables: false },
  DateLessThan: { family: 'date', negated: false, variant: 'lt', variables: false },
  DateLessThanEquals: { family: 'date', negated: false, variant: 'lte', variables: false },
  DateGreaterThan: { family: 'date', negated: false, variant: 'gt', variables: false },
  DateGreaterThanEquals: { family: 'date', negated: false, variant: 'gte', variables: false },
  Bool: { family: 'bool', negated: false, variant: 'equals', variables: true },
  BinaryEquals: { family: 'binary', negated: false, variant: 'equals', variables: false },
  IpAddress: { family: 'ip', negated: false, variant: 'match', variables: false },
  NotIpAddress: { family: 'ip', negated: true, variant: 'match', variables: false },
  ArnEquals: { family: 'arn', negated: false, variant: 'like', variables: true },
  ArnLike: { family: 'arn', negated: false, variant: 'like', variables: true },
  ArnNotEquals: { family: 'arn', negated: true, variant: 'like', variables: true },
  ArnNotLike: { family: 'arn', negated: true, variant: 'like', variables: true },
  Null: { family: 'null', negated: false, variant: 'equals', variables: false },
}

const BY_LOWER = new Map<string, BaseOperator>(
  (Object.keys(OPERATORS) as BaseOperator[]).map((op) => [op.toLowerCase(), op]),
)

export interface OperatorSyntax {
  baseOperator: BaseOperator
  setOperator?: SetOperator
  ifExists: boolean
}

/** Parse an operator name; returns an error message when it is not a valid operator. */
export function parseOperator(raw: string): OperatorSyntax | { error: string } {
  let rest = raw
  let setOperator: SetOperator | undefined
  const colon = rest.indexOf(':')
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase()
    if (prefix === 'forallvalues') setOperator = 'ForAllValues'
    else if (prefix === 'foranyvalue') setOperator = 'ForAnyValue'
    else
      return {
        error: `unknown set operator "${rest.slice(0, colon)}" (expected ForAllValues or ForAnyValue)`,
      }
    rest = rest.slice(colon + 1)
  }
  let ifExists = false
  const lower = rest.toLowerCase()
  let base = BY_LOWER.get(lower)
  if (!base && lower.endsWith('ifexists')) {
    base = BY_LOWER.get(lower.slice(0, -'ifexists'.length))
    ifExists = base !== undefined
  }
  if (!base) return { error: `unknown condition operator "${raw}"` }
  if (base === 'Null' && (ifExists || setOperator)) {
    return { error: `"${raw}": Null takes neither IfExists nor a set operator` }
  }
  return { baseOperator: base, setOperator, ifExists }
}
