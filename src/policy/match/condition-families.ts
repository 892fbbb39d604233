/**
 * Per-family value tests: given the policy values of one condition, build a function telling
 * whether one request value matches ANY of them (AWS: values of one key combine with OR).
 * Negation and the set operators are applied on top of this, in condition-matcher.ts.
 */

import { parseArn } from '../arn.js'
import type { OperatorInfo } from '../condition-operators.js'
import { cidrContains, parseCidr, parseIp } from '../ip-address.js'
import { decodeBase64, parseDateValue, parseNumberValue } from '../values.js'
import { compileWildcardList, restoreLiterals } from '../wildcard.js'
import { compileArnPattern } from './arn-pattern.js'

export type ValueTest = (requestValue: string) => boolean

function ordered(variant: OperatorInfo['variant'], limits: number[]): (n: number) => boolean {
  switch (variant) {
    case 'lt':
      return (n) => limits.some((l) => n < l)
    case 'lte':
      return (n) => limits.some((l) => n <= l)
    case 'gt':
      return (n) => limits.some((l) => n > l)
    case 'gte':
      return (n) => limits.some((l) => n >= l)
    default:
      return (n) => limits.some((l) => n === l)
  }
}

function defined<T>(values: (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined)
}

export function compileValueTest(info: OperatorInfo, values: readonly string[]): ValueTest {
  switch (info.family) {
    case 'string': {
      if (info.variant === 'like') return compileWildcardList(values)
      if (info.variant === 'equalsIgnoreCase') {
        const set = new Set(values.map((v) => restoreLiterals(v).toLowerCase()))
        return (v) => set.has(v.toLowerCase())
      }
      if (values.length === 1) {
        const only = restoreLiterals(values[0])
        return (v) => v === only
      }
      const set = new Set(values.map(restoreLiterals))
      return (v) => set.has(v)
    }
    case 'bool': {
      const set = new Set(values.map((v) => restoreLiterals(v).toLowerCase()))
      return (v) => set.has(v.toLowerCase())
    }
    case 'numeric': {
      const test = ordered(info.variant, defined(values.map(parseNumberValue)))
      return (v) => {
        const n = parseNumberValue(v)
        return n !== undefined && test(n)
      }
    }
    case 'date': {
      const test = ordered(info.variant, defined(values.map(parseDateValue)))
      return (v) => {
        const n = parseDateValue(v)
        return n !== undefined && test(n)
      }
    }
    case 'binary': {
      const set = new Set(defined(values.map(decodeBase64)))
      return (v) => {
        const bytes = decodeBase64(v)
        return bytes !== undefined && set.has(bytes)
      }
    }
    case 'ip': {
      const ranges = defined(values.map(parseCidr))
      return (v) => {
        const ip = parseIp(v.trim())
        return ip !== undefined && ranges.some((r) => cidrContains(r, ip))
      }
    }
    case 'arn': {
      const patterns = values.map(compileArnPattern)
      return (v) => {
        const arn = parseArn(v)
        return patterns.some((m) => m(v, arn))
      }
    }
    default:
      return () => false
  }
}
