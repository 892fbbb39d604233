/**
 * Orgwarden's IAM policy engine: parse and validate policies, evaluate requests the way AWS
 * does (SCP and RCP chains included), build request contexts, and judge SCP guardrails.
 * Pure: the only input it reads is the iam-data catalog, loaded once by `loadIamCatalog`.
 */

export { type CompiledPolicy, compilePolicy } from './compile-policy.js'
export { type EvaluateOptions, evaluate } from './evaluate.js'
export {
  buildGuardrailCatalog,
  GUARDRAIL_DEFINITIONS,
  type GuardrailCatalog,
  type GuardrailCatalogOptions,
  type GuardrailDefinition,
} from './guardrails/guardrail-catalog.js'
export * from './guardrails/guardrail-types.js'
export { judgeAccountGuardrails } from './guardrails/judge-guardrails.js'
export {
  GENERIC_ROLE_NAME,
  GENERIC_USER_NAME,
  genericProbePrincipals,
  isServiceLinkedRoleArn,
  probePrincipalFromArn,
} from './guardrails/probe-principals.js'
export {
  AWS_COMMERCIAL_REGIONS,
  AWS_EXAMPLE_REGION_EXEMPT_SERVICES,
  CONTROL_TOWER_REGION_EXEMPT_SERVICES,
  DEFAULT_REGION_EXEMPT_SERVICES,
} from './guardrails/region-data.js'
export {
  chainHygiene,
  DEFAULT_HYGIENE_LIMITS,
  type HygieneLimits,
  levelHygiene,
  unattachedPolicies,
} from './guardrails/scp-hygiene.js'
export {
  type CatalogAction,
  type CatalogService,
  findAction,
  type IamCatalog,
  listActionsMatching,
  loadIamCatalog,
  unknownActions,
} from './iam-catalog.js'
export { parsePolicy, parsePolicyOrThrow } from './parse/parse-policy.js'
export {
  buildRequest,
  buildRequestContext,
  describePrincipal,
  type PrincipalDescription,
  principalArnOf,
  type RequestSpec,
} from './request-context.js'
export * from './types.js'
