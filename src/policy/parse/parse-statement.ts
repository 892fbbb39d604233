/**
 * One Statement: element shapes, the Action/Resource grammar, and the per-kind rules (where a
 * Principal is required or forbidden, where Resource is required or forbidden).
 */

import { resourcePatternProblem } from '../arn.js'
import type { ParsedStatement, PolicyKind } from '../types.js'
import { parseConditions } from './parse-condition.js'
import { parsePrincipal } from './parse-principal.js'
import { childPath, type ErrorSink, isObject, stringList, typeName } from './parse-support.js'

const ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
])

const ACTION = /^[a-z0-9*?-]+:[A-Za-z0-9*?]+$/i

interface KindRules {
  principal: 'required' | 'forbidden'
  resource: 'required' | 'optional' | 'forbidden'
  notPrincipal: boolean
}

const RULES: Record<PolicyKind, KindRules> = {
  identity: { principal: 'forbidden', resource: 'required', notPrincipal: false },
  boundary: { principal: 'forbidden', resource: 'required', notPrincipal: false },
  session: { principal: 'forbidden', resource: 'required', notPrincipal: false },
  // SCPs take the full IAM language except Principal; a statement without Resource means "*".
  scp: { principal: 'forbidden', resource: 'optional', notPrincipal: false },
  rcp: { principal: 'required', resource: 'optional', notPrincipal: false },
  // Resource policies of several services (Lambda, ECR, SNS…) leave Resource implicit.
  resource: { principal: 'required', resource: 'optional', notPrincipal: true },
  trust: { principal: 'required', resource: 'forbidden', notPrincipal: false },
}

const KIND_NAME: Record<PolicyKind, string> = {
  identity: 'identity-based policies',
  boundary: 'permissions boundaries',
  session: 'session policies',
  scp: 'service control policies',
  rcp: 'resource control policies',
  resource: 'resource-based policies',
  trust: 'role trust policies',
}

function checkActions(list: string[], path: string, isArray: boolean, sink: ErrorSink): void {
  list.forEach((action, i) => {
    if (action === '*') return
    if (!ACTION.test(action)) {
      sink.add(
        isArray ? childPath(path, i) : path,
        `"${action}" is not an action (service:Action, wildcards allowed)`,
      )
    }
  })
}

function checkResources(list: string[], path: string, isArray: boolean, sink: ErrorSink): void {
  list.forEach((resource, i) => {
    const problem = resourcePatternProblem(resource)
    if (problem) sink.add(isArray ? childPath(path, i) : path, problem)
  })
}

export function parseStatement(
  value: unknown,
  index: number,
  path: string,
  kind: PolicyKind,
  variablesOn: boolean,
  sink: ErrorSink,
): ParsedStatement | undefined {
  if (!isObject(value)) {
    sink.add(path, `expected a statement object, got ${typeName(value)}`)
    return undefined
  }
  const before = sink.errors.length
  const rules = RULES[kind]
  for (const key of Object.keys(value)) {
    if (!ELEMENTS.has(key)) sink.add(childPath(path, key), `unknown statement element "${key}"`)
  }
  const has = (k: string) => Object.hasOwn(value, k)
  const statement: ParsedStatement = { index, effect: 'Allow', conditions: [] }

  if (has('Sid')) {
    if (typeof value.Sid === 'string') statement.sid = value.Sid
    else sink.add(childPath(path, 'Sid'), `expected a string, got ${typeName(value.Sid)}`)
  }

  if (!has('Effect')) sink.add(path, 'missing Effect')
  else if (value.Effect === 'Allow' || value.Effect === 'Deny') statement.effect = value.Effect
  else
    sink.add(
      childPath(path, 'Effect'),
      `Effect must be "Allow" or "Deny", got ${JSON.stringify(value.Effect)}`,
    )

  if (has('Principal') && has('NotPrincipal'))
    sink.add(path, 'Principal and NotPrincipal cannot both be present')
  if (rules.principal === 'forbidden') {
    for (const k of ['Principal', 'NotPrincipal']) {
      if (has(k)) sink.add(childPath(path, k), `${k} is not allowed in ${KIND_NAME[kind]}`)
    }
  } else {
    if (!has('Principal') && !(rules.notPrincipal && has('NotPrincipal'))) {
      sink.add(path, `missing Principal (required in ${KIND_NAME[kind]})`)
    }
    if (has('NotPrincipal') && !rules.notPrincipal) {
      sink.add(childPath(path, 'NotPrincipal'), `NotPrincipal is not allowed in ${KIND_NAME[kind]}`)
    }
    if (has('Principal'))
      statement.principal = parsePrincipal(value.Principal, childPath(path, 'Principal'), sink)
    if (has('NotPrincipal') && rules.notPrincipal) {
      statement.notPrincipal = parsePrincipal(value.NotPrincipal, childPath(path, 'NotPrincipal'), sink)
    }
    if (kind === 'rcp' && statement.principal && !statement.principal.wildcard) {
      sink.add(childPath(path, 'Principal'), 'resource control policies support only Principal "*"')
    }
  }

  if (has('Action') && has('NotAction')) sink.add(path, 'Action and NotAction cannot both be present')
  else if (!has('Action') && !has('NotAction')) sink.add(path, 'missing Action or NotAction')
  for (const k of ['Action', 'NotAction'] as const) {
    if (!has(k)) continue
    const list = stringList(value[k], childPath(path, k), sink)
    if (!list) continue
    checkActions(list, childPath(path, k), Array.isArray(value[k]), sink)
    if (k === 'Action') statement.action = list
    else statement.notAction = list
  }

  if (has('Resource') && has('NotResource')) sink.add(path, 'Resource and NotResource cannot both be present')
  if (rules.resource === 'forbidden') {
    for (const k of ['Resource', 'NotResource']) {
      if (has(k)) sink.add(childPath(path, k), `${k} is not allowed in ${KIND_NAME[kind]}`)
    }
  } else {
    if (rules.resource === 'required' && !has('Resource') && !has('NotResource')) {
      sink.add(path, `missing Resource or NotResource (required in ${KIND_NAME[kind]})`)
    }
    for (const k of ['Resource', 'NotResource'] as const) {
      if (!has(k)) continue
      const list = stringList(value[k], childPath(path, k), sink)
      if (!list) continue
      checkResources(list, childPath(path, k), Array.isArray(value[k]), sink)
      if (k === 'Resource') statement.resource = list
      else statement.notResource = list
    }
  }

  if (has('Condition')) {
    const conditions = parseConditions(value.Condition, childPath(path, 'Condition'), sink, variablesOn)
    if (conditions) statement.conditions = conditions
  }

  return sink.errors.length === before ? statement : undefined
}
