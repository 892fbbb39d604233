/**
 * The Condition element: `{ Operator: { key: value | [values] } }`. Values are normalised to
 * strings (IAM accepts JSON numbers and booleans too) and checked against the operator family, so
 * a policy that would never match because of a malformed date or CIDR is reported up front.
 */

import { splitArn } from '../arn.js'
import { OPERATORS, parseOperator } from '../condition-operators.js'
import { parseCidr } from '../ip-address.js'
import type { ParsedCondition } from '../types.js'
import { parseDateValue } from '../values.js'
import { childPath, type ErrorSink, isObject, typeName } from './parse-support.js'

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return undefined
}

function valueProblem(family: string, value: string, variablesOn: boolean): string | undefined {
  const hasVariable = variablesOn && value.includes('${')
  switch (family) {
    case 'numeric':
      return NUMBER.test(value.trim()) ? undefined : `"${value}" is not a number`
    case 'date':
      return parseDateValue(value) === undefined
        ? `"${value}" is not an ISO 8601 date or epoch time`
        : undefined
    case 'bool':
      return hasVariable || /^(true|false)$/i.test(value) ? undefined : `"${value}" is not true or false`
    case 'null':
      return /^(true|false)$/i.test(value) ? undefined : `"${value}" is not true or false`
    case 'binary':
      return BASE64.test(value) ? undefined : `"${value}" is not base64`
    case 'ip':
      return parseCidr(value) ? undefined : `"${value}" is not an IP address or CIDR range`
    case 'arn':
      return hasVariable || value === '*' || splitArn(value) ? undefined : `"${value}" is not an ARN`
    default:
      return undefined
  }
}

export function parseConditions(
  value: unknown,
  path: string,
  sink: ErrorSink,
  variablesOn: boolean,
): ParsedCondition[] | undefined {
  if (!isObject(value)) {
    sink.add(path, `expected an object of condition operators, got ${typeName(value)}`)
    return undefined
  }
  const before = sink.errors.length
  const out: ParsedCondition[] = []
  for (const operator of Object.keys(value)) {
    const opPath = childPath(path, operator)
    const syntax = parseOperator(operator)
    if ('error' in syntax) {
      sink.add(opPath, syntax.error)
      continue
    }
    const block = value[operator]
    if (!isObject(block)) {
      sink.add(opPath, `expected an object of condition keys, got ${typeName(block)}`)
      continue
    }
    const family = OPERATORS[syntax.baseOperator].family
    for (const key of Object.keys(block)) {
      const keyPath = childPath(opPath, key)
      if (key.trim() === '') {
        sink.add(keyPath, 'condition key is empty')
        continue
      }
      const raw = block[key]
      const list = Array.isArray(raw) ? raw : [raw]
      if (list.length === 0) {
        sink.add(keyPath, 'expected at least one value, got an empty array')
        continue
      }
      const values: string[] = []
      list.forEach((item, i) => {
        const itemPath = Array.isArray(raw) ? childPath(keyPath, i) : keyPath
        const text = scalar(item)
        if (text === undefined) {
          sink.add(itemPath, `expected a string, number or boolean, got ${typeName(item)}`)
          return
        }
        const problem = valueProblem(family, text, variablesOn)
        if (problem) sink.add(itemPath, `${operator}: ${problem}`)
        else values.push(text)
      })
      if (values.length === list.length) {
        out.push({ operator, ...syntax, key, values })
      }
    }
  }
  return sink.errors.length === before ? out : undefined
}
