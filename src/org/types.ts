/**
 * The organization as Orgwarden stores it per sweep: what AWS Organizations reports, flattened
 * into plain data. The same shape comes from the AWS source and from a snapshot file, so
 * everything downstream (guardrails, rules, the API) sees one model.
 */

export type PolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'

export interface OrgInfo {
  id: string
  arn: string
  managementAccountId: string
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING'
}

export interface OrgRoot {
  id: string
  arn: string
  name: string
  /** Policy types enabled on the root, e.g. SERVICE_CONTROL_POLICY. */
  policyTypes: PolicyType[]
}

export interface OrgUnit {
  id: string
  arn: string
  name: string
  /** A root id or another OU id. */
  parentId: string
}

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE'

export interface OrgAccount {
  id: string
  arn: string
  name: string
  email: string
  status: AccountStatus
  joinedMethod: 'INVITED' | 'CREATED'
  joinedAt: string
  /** A root id or an OU id. */
  parentId: string
  tags: Record<string, string>
}

export interface OrgPolicy {
  id: string
  arn: string
  name: string
  description: string
  type: PolicyType
  awsManaged: boolean
  /** The policy document exactly as AWS returns it (a JSON string). */
  content: string
  /** Root, OU and account ids the policy is attached to directly. */
  targets: string[]
}

export interface DelegatedAdministrator {
  accountId: string
  servicePrincipal: string
}

export interface OrgSnapshot {
  organization: OrgInfo
  roots: OrgRoot[]
  organizationalUnits: OrgUnit[]
  accounts: OrgAccount[]
  policies: OrgPolicy[]
  delegatedAdministrators: DelegatedAdministrator[]
}

/** Which accounts a sweep covers. Empty lists with `all: false` are refused by the API. */
export interface SweepScope {
  all: boolean
  organizationalUnitIds: string[]
  accountIds: string[]
}
