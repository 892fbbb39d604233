/**
 * The JSON case format of test/policy/cases and how a case becomes an evaluator call.
 * A case is `{ name, request, policies, expected }`; policies carry raw documents, so a case
 * also proves that the documents parse.
 */

import {
  buildRequest,
  type ChainLevel,
  type ContextValue,
  type EvaluationRequest,
  type EvaluationResult,
  type PolicyInput,
  type PolicyKind,
  type PolicySet,
  parsePolicyOrThrow,
  type RequestPrincipal,
  type RequestSpec,
} from '../../../src/policy/index.js'

export interface CaseDocument {
  id: string
  name?: string
  kind?: PolicyKind
  document: unknown
}

export interface CaseLevel {
  targetId: string
  name?: string
  policies: CaseDocument[]
}

export interface PolicyCase {
  name: string
  /** Either a principal description (built with buildRequest) or a raw request with `arn`. */
  request: RequestSpec | (Omit<EvaluationRequest, 'principal'> & { principal: RequestPrincipal })
  policies: {
    identity?: CaseDocument[]
    boundary?: CaseDocument
    session?: CaseDocument[]
    resource?: CaseDocument
    resourcePolicyRequired?: boolean
    scps?: CaseLevel[]
    rcps?: CaseLevel[]
    managementAccountId?: string
  }
  options?: { rcpServices?: string[] }
  expected: {
    decision: EvaluationResult['decision']
    decidedBy?: EvaluationResult['decidedBy']
    /** Each listed statement must be among the deciding ones (policyId, and index or sid). */
    deciding?: { policyId: string; statementIndex?: number; sid?: string; level?: string }[]
    blockedAt?: string
  }
}

function input(doc: CaseDocument, kind: PolicyKind): PolicyInput {
  const policy = parsePolicyOrThrow(doc.document, doc.kind ?? kind)
  return doc.name !== undefined ? { id: doc.id, name: doc.name, policy } : { id: doc.id, policy }
}

function levels(list: CaseLevel[], kind: 'scp' | 'rcp'): ChainLevel[] {
  return list.map((l) => ({
    targetId: l.targetId,
    ...(l.name !== undefined ? { name: l.name } : {}),
    policies: l.policies.map((d) => input(d, kind)),
  }))
}

export function caseRequest(c: PolicyCase): EvaluationRequest {
  const r = c.request
  if ('arn' in r.principal) return r as EvaluationRequest
  return buildRequest(r as RequestSpec)
}

export function casePolicies(c: PolicyCase): PolicySet {
  const p = c.policies
  const set: PolicySet = {}
  if (p.identity) set.identity = p.identity.map((d) => input(d, 'identity'))
  if (p.boundary) set.boundary = input(p.boundary, 'boundary')
  if (p.session) set.session = p.session.map((d) => input(d, 'session'))
  if (p.resource) set.resource = input(p.resource, 'resource')
  if (p.resourcePolicyRequired) set.resourcePolicyRequired = true
  if (p.scps) set.scps = levels(p.scps, 'scp')
  if (p.rcps) set.rcps = levels(p.rcps, 'rcp')
  if (p.managementAccountId) set.managementAccountId = p.managementAccountId
  return set
}

export type { ContextValue }
