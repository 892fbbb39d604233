/**
 * Condition blocks. Semantics (IAM User Guide, condition operators and multivalued keys):
 * - operators, and keys under one operator, combine with AND; values of one key with OR, and a
 *   negated operator is true only when no value matches (NOR);
 * - a key absent from the request makes the condition false, except: negated operators are true,
 *   `...IfExists` is true, `ForAllValues` is true, `ForAnyValue` is false; `Null` tests presence;
 * - key names are case-insensitive; an empty list counts as absent;
 * - without a set operator a multivalued request key matches when any of its values does;
 * - policy variables in values are substituted per request; a value whose variable cannot be
 *   resolved is dropped, and a condition left with no value is false (the statement is void).
 */

import { OPERATORS } from '../condition-operators.js'
import { type ContextMap, parseTemplate, resolveTemplate, type Template } from '../policy-variables.js'
import type { ParsedCondition } from '../types.js'
import { compileValueTest, type ValueTest } from './condition-families.js'

/** Tests a condition block against the request context (lower-cased keys). */
export type ConditionTest = (context: ContextMap) => boolean

export interface ConditionPart {
  test: ConditionTest
  /** Lower-cased context keys this one condition reads, including those inside policy variables. */
  keys: string[]
}

export interface CompiledConditions {
  test: ConditionTest
  /** Lower-cased context keys read by the block, including those inside policy variables. */
  keys: string[]
  /** One entry per operator and key; the block is their AND. */
  parts: readonly ConditionPart[]
}

const MEMO_LIMIT = 512

function valueSource(
  condition: ParsedCondition,
  variablesOn: boolean,
): { fixed: ValueTest } | { dynamic: (context: ContextMap) => ValueTest | undefined; keys: string[] } {
  const info = OPERATORS[condition.baseOperator]
  const templates = info.variables && variablesOn ? condition.values.map(parseTemplate) : []
  if (!templates.some((t) => t !== undefined)) return { fixed: compileValueTest(info, condition.values) }
  const keys = templates.flatMap((t) => t?.keys ?? [])
  const memo = new Map<string, ValueTest>()
  const dynamic = (context: ContextMap): ValueTest | undefined => {
    const resolved: string[] = []
    condition.values.forEach((v, i) => {
      const t = templates[i]
      const text = t ? resolveTemplate(t as Template, context) : v
      if (text !== undefined) resolved.push(text)
    })
    if (resolved.length === 0) return undefined
    const memoKey = resolved.join('\u0000')
    let test = memo.get(memoKey)
    if (!test) {
      if (memo.size >= MEMO_LIMIT) memo.clear()
      test = compileValueTest(info, resolved)
      memo.set(memoKey, test)
    }
    return test
  }
  return { dynamic, keys }
}

function compileOne(condition: ParsedCondition, variablesOn: boolean): ConditionPart {
  const key = condition.key.toLowerCase()
  const info = OPERATORS[condition.baseOperator]
  if (info.family === 'null') {
    const wantAbsent = condition.values.map((v) => v.toLowerCase() === 'true')
    return {
      keys: [key],
      test: (ctx) => {
        const values = ctx.get(key)
        const absent = values === undefined || values.length === 0
        return wantAbsent.some((w) => w === absent)
      },
    }
  }
  const source = valueSource(condition, variablesOn)
  const keys = 'keys' in source ? [key, ...source.keys] : [key]
  const { negated } = info
  const { setOperator, ifExists } = condition
  // What an absent (or empty) key yields, decided once here rather than on every request.
  const whenAbsent =
    ifExists || setOperator === 'ForAllValues' ? true : setOperator === 'ForAnyValue' ? false : negated
  const fixed = 'fixed' in source ? source.fixed : undefined
  if (fixed && !setOperator) {
    // The common case: plain operator, values known at compile time.
    const test: ConditionTest = (ctx) => {
      const values = ctx.get(key)
      if (values === undefined || values.length === 0) return whenAbsent
      if (values.length === 1) return fixed(values[0]) !== negated
      for (const v of values) if (fixed(v)) return !negated
      return negated
    }
    return { test, keys }
  }
  const dynamic = 'dynamic' in source ? source.dynamic : undefined
  const test: ConditionTest = (ctx) => {
    const values = ctx.get(key)
    if (values === undefined || values.length === 0) return whenAbsent
    const matches = fixed ?? dynamic?.(ctx)
    if (matches === undefined) return false
    if (setOperator === 'ForAllValues') {
      for (const v of values) if (matches(v) === negated) return false
      return true
    }
    if (setOperator === 'ForAnyValue') {
      for (const v of values) if (matches(v) !== negated) return true
      return false
    }
    for (const v of values) if (matches(v)) return !negated
    return negated
  }
  return { test, keys }
}

export function compileConditions(
  conditions: readonly ParsedCondition[],
  variablesOn: boolean,
): CompiledConditions | undefined {
  if (conditions.length === 0) return undefined
  const parts = conditions.map((c) => compileOne(c, variablesOn))
  const tests = parts.map((c) => c.test)
  const keys = [...new Set(parts.flatMap((c) => c.keys))]
  if (tests.length === 1) return { test: tests[0], keys, parts }
  return {
    keys,
    parts,
    test: (ctx) => {
      for (const t of tests) if (!t(ctx)) return false
      return true
    },
  }
}
