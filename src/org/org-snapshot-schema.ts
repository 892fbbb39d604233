/**
 * TypeBox schema of OrgSnapshot (types.ts). Strict (no unknown properties): the snapshot file is
 * our own format, and a misspelt key silently ignored would be a wrong organization.
 * ID patterns are the ones the Organizations API reference documents.
 */
import Type, { type Static } from 'typebox'
import type { OrgSnapshot } from './types.js'

const strict = { additionalProperties: false } as const

export const ACCOUNT_ID_PATTERN = '^\\d{12}$'
export const ROOT_ID_PATTERN = '^r-[0-9a-z]{4,32}$'
export const OU_ID_PATTERN = '^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$'
export const ORG_ID_PATTERN = '^o-[a-z0-9]{10,32}$'
export const POLICY_ID_PATTERN = '^p-[0-9a-zA-Z_]{8,128}$'

const AccountId = Type.String({ pattern: ACCOUNT_ID_PATTERN })
const ParentId = Type.String({ pattern: `${ROOT_ID_PATTERN}|${OU_ID_PATTERN}` })
const TargetId = Type.String({ pattern: `${ROOT_ID_PATTERN}|${OU_ID_PATTERN}|${ACCOUNT_ID_PATTERN}` })
const PolicyType = Type.Enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'])
const Timestamp = Type.String({ format: 'date-time' })

export const OrgInfoSchema = Type.Object(
  {
    id: Type.String({ pattern: ORG_ID_PATTERN }),
    arn: Type.String({ minLength: 1 }),
    managementAccountId: AccountId,
    featureSet: Type.Enum(['ALL', 'CONSOLIDATED_BILLING']),
  },
  strict,
)

export const OrgRootSchema = Type.Object(
  {
    id: Type.String({ pattern: ROOT_ID_PATTERN }),
    arn: Type.String({ minLength: 1 }),
    name: Type.String(),
    policyTypes: Type.Array(PolicyType),
  },
  strict,
)

export const OrgUnitSchema = Type.Object(
  {
    id: Type.String({ pattern: OU_ID_PATTERN }),
    arn: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    parentId: ParentId,
  },
  strict,
)

export const OrgAccountSchema = Type.Object(
  {
    id: AccountId,
    arn: Type.String({ minLength: 1 }),
    name: Type.String(),
    email: Type.String(),
    status: Type.Enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']),
    joinedMethod: Type.Enum(['INVITED', 'CREATED']),
    joinedAt: Timestamp,
    parentId: ParentId,
    tags: Type.Record(Type.String(), Type.String()),
  },
  strict,
)

export const OrgPolicySchema = Type.Object(
  {
    id: Type.String({ pattern: POLICY_ID_PATTERN }),
    arn: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    description: Type.String(),
    type: PolicyType,
    awsManaged: Type.Boolean(),
    content: Type.String({ minLength: 1 }),
    targets: Type.Array(TargetId),
  },
  strict,
)

export const DelegatedAdministratorSchema = Type.Object(
  { accountId: AccountId, servicePrincipal: Type.String({ minLength: 1 }) },
  strict,
)

export const OrgSnapshotSchema = Type.Object(
  {
    organization: OrgInfoSchema,
    roots: Type.Array(OrgRootSchema, { minItems: 1 }),
    organizationalUnits: Type.Array(OrgUnitSchema),
    accounts: Type.Array(OrgAccountSchema),
    policies: Type.Array(OrgPolicySchema),
    delegatedAdministrators: Type.Array(DelegatedAdministratorSchema),
  },
  strict,
)

// Compile-time guard: the schema and the hand-written OrgSnapshot type must stay in step.
type SchemaOrg = Static<typeof OrgSnapshotSchema>
export const schemaMatchesOrgSnapshot: [SchemaOrg] extends [OrgSnapshot]
  ? [OrgSnapshot] extends [SchemaOrg]
    ? true
    : false
  : false = true
