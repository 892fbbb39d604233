/**
 * Principal / NotPrincipal: `"*"` or an object with AWS, Service, Federated and CanonicalUser
 * lists. Partial wildcards are refused, as IAM refuses them.
 */

import { awsPrincipalProblem } from '../arn.js'
import type { PrincipalSpec } from '../types.js'
import { childPath, type ErrorSink, isObject, stringList, typeName } from './parse-support.js'

const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const

export function parsePrincipal(value: unknown, path: string, sink: ErrorSink): PrincipalSpec | undefined {
  const spec: PrincipalSpec = { wildcard: false, aws: [], service: [], federated: [], canonicalUser: [] }
  if (value === '*') {
    spec.wildcard = true
    return spec
  }
  if (!isObject(value)) {
    sink.add(
      path,
      `expected "*" or an object with AWS, Service, Federated or CanonicalUser, got ${typeName(value)}`,
    )
    return undefined
  }
  const before = sink.errors.length
  const keys = Object.keys(value)
  if (keys.length === 0) sink.add(path, 'principal object is empty')
  for (const key of keys) {
    const keyPath = childPath(path, key)
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(key)) {
      sink.add(keyPath, `unknown principal type "${key}" (expected ${PRINCIPAL_TYPES.join(', ')})`)
      continue
    }
    const list = stringList(value[key], keyPath, sink)
    if (!list) continue
    list.forEach((entry, i) => {
      const entryPath = Array.isArray(value[key]) ? childPath(keyPath, i) : keyPath
      if (key === 'AWS') {
        const problem = awsPrincipalProblem(entry)
        if (problem) sink.add(entryPath, problem)
        else if (entry === '*') spec.wildcard = true
        else spec.aws.push(entry)
      } else if (key === 'Service') {
        if (entry === '*' || !/^[a-z0-9.-]+$/i.test(entry)) {
          sink.add(entryPath, `"${entry}" is not a service principal name (like ec2.amazonaws.com)`)
        } else spec.service.push(entry.toLowerCase())
      } else if (key === 'Federated') {
        if (entry.trim() === '' || entry.includes('*')) {
          sink.add(entryPath, `"${entry}" is not an identity provider`)
        } else spec.federated.push(entry)
      } else {
        if (!/^[0-9a-f]{64}$/i.test(entry)) sink.add(entryPath, `"${entry}" is not a canonical user id`)
        else spec.canonicalUser.push(entry.toLowerCase())
      }
    })
  }
  return sink.errors.length === before ? spec : undefined
}
