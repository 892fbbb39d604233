/**
 * Per-family value tests: given the policy values of one condition, build a function telling
 * whether one request value matches ANY of them (AWS: values of one key combine with OR).
 * Negation and the set operators are applied on top of this, in condition-matcher.ts.
 */

import { type ArnParts, parseArn } from '../arn.js'
import type { OperatorInfo } from '../condition-operators.js'
import { cidrContains, type IpAddress, parseCidr, parseIp } from '../ip-address.js'
import { decodeBase64, parseDateValue, parseNumberValue } from '../values.js'
import { compileWildcardList, restoreLiterals } from '../wildcard.js'
import { compileArnPattern } from './arn-pattern.js'

export type ValueTest = (requestValue: string) => boolean

/**
 * Request values repeat across evaluations (one caller's ARN and address, the current time):
 * parse each distinct text once.
 */
function memoized<T>(parse: (text: string) => T | undefined): (text: string) => T | undefined {
  const memo = new Map<string, T | null>()
  return (text) => {
    let v = memo.get(text)
    if (v === undefined) {
      if (memo.size >= 4096) memo.clear()
      v = parse(text) ?? null
      memo.set(text, v)
    }
    return v ?? undefined
  }
}

const requestArn = memoized<ArnParts>(parseArn)
const requestIp = memoized<IpAddress>((t) => parseIp(t.trim()))
const requestDate = memoized<number>(parseDateValue)

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
      // Request values are nearly always already lower-case: try that before allocating.
      return (v) => set.has(v) || set.has(v.toLowerCase())
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
        const n = requestDate(v)
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
        const ip = requestIp(v)
        return ip !== undefined && ranges.some((r) => cidrContains(r, ip))
      }
    }
    case 'arn': {
      const patterns = values.map(compileArnPattern)
      return (v) => {
        const arn = requestArn(v)
        for (const m of patterns) if (m(v, arn)) return true
        return false
      }
    }
    default:
      return () => false
  }
}
