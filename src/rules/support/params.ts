/** Typed reads of a rule's resolved parameters (defaults merged with settings by the caller). */
import type { RuleParameters } from '../types.js'

export function numberParam(params: RuleParameters, name: string): number {
  const value = params[name]
  if (typeof value !== 'number') throw new TypeError(`parameter ${name} is not a number`)
  return value
}

export function booleanParam(params: RuleParameters, name: string): boolean {
  const value = params[name]
  if (typeof value !== 'boolean') throw new TypeError(`parameter ${name} is not a boolean`)
  return value
}

export function stringListParam(params: RuleParameters, name: string): readonly string[] {
  const value = params[name]
  if (!Array.isArray(value)) throw new TypeError(`parameter ${name} is not a list of strings`)
  return value
}
