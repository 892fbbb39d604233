/**
 * The policy model shared by the parser, the compiler and the evaluator. Parsed policies are plain
 * data (safe to serialise, hash and cache); compiled policies hold the matchers built from them.
 */

/** Where a policy document is used: it decides which elements are required or forbidden. */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'scp' | 'rcp' | 'boundary' | 'session'

export type Effect = 'Allow' | 'Deny'

export type PolicyVersion = '2012-10-17' | '2008-10-17'

/** A Principal or NotPrincipal element, normalised: `"*"` becomes `wildcard: true`. */
export interface PrincipalSpec {
  wildcard: boolean
  aws: string[]
  service: string[]
  federated: string[]
  canonicalUser: string[]
}

export type SetOperator = 'ForAllValues' | 'ForAnyValue'

export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null'

/** One operator/key pair of a Condition block; values are normalised to strings. */
export interface ParsedCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string
  baseOperator: BaseOperator
  setOperator?: SetOperator
  ifExists: boolean
  /** The condition key as written (matching is case-insensitive). */
  key: string
  values: string[]
}

export interface ParsedStatement {
  /** Position in the Statement array (0 when Statement is a single object). */
  index: number
  sid?: string
  effect: Effect
  principal?: PrincipalSpec
  notPrincipal?: PrincipalSpec
  action?: string[]
  notAction?: string[]
  resource?: string[]
  notResource?: string[]
  conditions: ParsedCondition[]
}

export interface ParsedPolicy {
  kind: PolicyKind
  /** Absent Version means 2008-10-17 semantics: policy variables are literal text. */
  version?: PolicyVersion
  id?: string
  statements: ParsedStatement[]
  /** Characters of the document as given (what AWS counts against size limits). */
  size: number
  /** Content hash of the document; equal documents of the same kind share compiled matchers. */
  fingerprint: string
}

export interface PolicyError {
  /** JSONPath-like location, e.g. `$.Statement[1].Condition.StringEquals`. */
  path: string
  message: string
}

export type ParseResult = { ok: true; policy: ParsedPolicy } | { ok: false; errors: PolicyError[] }

/** A policy document handed to the evaluator, with the identity used in explanations. */
export interface PolicyInput {
  id: string
  name?: string
  policy: ParsedPolicy
}

/** One node of an SCP or RCP chain: the root, an OU or the account, with its direct attachments. */
export interface ChainLevel {
  targetId: string
  name?: string
  policies: PolicyInput[]
}

/** Everything that may apply to one request. Absent parts do not take part in the decision. */
export interface PolicySet {
  /** The user's own and its groups' policies, or the role's policies. */
  identity?: PolicyInput[]
  boundary?: PolicyInput
  /** Session policies passed when the session was created (a union among themselves). */
  session?: PolicyInput[]
  /** The resource-based policy of the requested resource (a trust policy for sts:AssumeRole*). */
  resource?: PolicyInput
  /**
   * Role trust policies and KMS key policies must allow even within one account. Set this for
   * key policies; it is implied when `resource` is a trust policy.
   */
  resourcePolicyRequired?: boolean
  /** SCPs per level, root first. Absent or empty: the account is not governed by SCPs. */
  scps?: ChainLevel[]
  /** RCPs per level, root first, of the resource's account. */
  rcps?: ChainLevel[]
  /** SCPs skip this account's principals; RCPs skip this account's resources. */
  managementAccountId?: string
}

export type PrincipalKind =
  | 'root'
  | 'user'
  | 'assumed-role'
  | 'federated-user'
  | 'service'
  | 'web-identity'
  | 'saml'
  | 'canonical-user'
  | 'anonymous'

/** Who makes the request, as the evaluator needs it. Use `buildRequest` to fill it in. */
export interface RequestPrincipal {
  kind: PrincipalKind
  /**
   * The caller: user ARN, assumed-role session ARN, root ARN, federated-user ARN; a service
   * principal name; an identity-provider id or ARN; a canonical user id.
   */
  arn: string
  accountId?: string
  /** For sessions: the role ARN (with path) or the IAM user that federated. */
  identityArn?: string
}

export type ContextScalar = string | number | boolean
export type ContextValue = ContextScalar | ReadonlyArray<ContextScalar>

export interface EvaluationRequest {
  principal: RequestPrincipal
  action: string
  /** Resource ARN, or `*` for actions that take no resource. */
  resource: string
  /** Account owning the resource; taken from the ARN when absent (S3 ARNs carry none). */
  resourceAccountId?: string
  /** Request context keys (names are case-insensitive). */
  context?: Record<string, ContextValue>
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'

export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp'

export interface LevelRef {
  targetId: string
  name?: string
}

/** A statement that took part in a decision, precise enough for a finding to quote it. */
export interface StatementRef {
  policyType: PolicyType
  policyId: string
  policyName?: string
  statementIndex: number
  sid?: string
  effect: Effect
  level?: LevelRef
}

export interface PolicyTypeDetail {
  allows: StatementRef[]
  denies: StatementRef[]
}

export interface LevelDetail extends PolicyTypeDetail {
  targetId: string
  name?: string
  /** True when some policy at this level allows the request. */
  allowed: boolean
}

export type ChainSkipReason =
  | 'management-account'
  | 'service-linked-role'
  | 'service-not-supported'
  | 'not-iam'

export interface ChainDetail {
  applies: boolean
  skipReason?: ChainSkipReason
  levels: LevelDetail[]
  /** True when the chain does not block the request (every level allows, or it does not apply). */
  allowed: boolean
}

/** The step of AWS's evaluation order that settled the decision. */
export type DecisionStage =
  | 'explicit-deny'
  | 'rcp'
  | 'scp'
  | 'resource-policy'
  | 'identity-policy'
  | 'root-user'
  | 'permissions-boundary'
  | 'session-policy'

export interface EvaluationResult {
  decision: Decision
  decidedBy: DecisionStage
  /** Statements that decided: the denies, or the allows that granted; empty for implicit denies. */
  deciding: StatementRef[]
  /** The first SCP/RCP level without an applicable Allow, when that is what denied. */
  blockedAt?: LevelRef & { policyType: 'scp' | 'rcp' }
  crossAccount: boolean
  details: {
    identity?: PolicyTypeDetail
    resource?: PolicyTypeDetail
    boundary?: PolicyTypeDetail
    session?: PolicyTypeDetail
    scp?: ChainDetail
    rcp?: ChainDetail
  }
}
