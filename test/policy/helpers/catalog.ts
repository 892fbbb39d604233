/** The iam-data catalog, loaded once per test process (loading reads ~450 data files). */

import {
  buildGuardrailCatalog,
  type GuardrailCatalog,
  type IamCatalog,
  loadIamCatalog,
} from '../../../src/policy/index.js'

let iam: Promise<IamCatalog> | undefined
let guardrails: Promise<GuardrailCatalog> | undefined

export function iamCatalog(): Promise<IamCatalog> {
  iam ??= loadIamCatalog()
  return iam
}

export function guardrailCatalog(): Promise<GuardrailCatalog> {
  guardrails ??= iamCatalog().then((c) => buildGuardrailCatalog(c))
  return guardrails
}
