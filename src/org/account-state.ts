/**
 * One account's IAM and logging state, normalized from raw AWS responses (see normalize.ts).
 *
 * This is what the rule catalogue evaluates and what the store keeps as JSONB per sweep and
 * account, so it is plain data: camelCase, JSON-serializable, dates as ISO-8601 strings.
 *
 * Unknown is not "empty". When an API could not be read, the matching field holds its empty value
 * ([] or null) AND `gaps` names the API. A rule looks at `gaps` (see `gapFor` in gaps.ts) before
 * it concludes "pass" or "missing" from an empty field.
 */

/** Any JSON value; policy documents are kept as parsed JSON, untouched. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/**
 * A parsed IAM policy document (Version, Statement, ...). Kept exactly as AWS wrote it: the
 * policy engine owns the meaning of statements, so we do not reshape them here.
 */
export type PolicyDocument = JsonObject

export interface InlinePolicy {
  name: string
  /** null only when the document could not be decoded; a gap then says which one. */
  document: PolicyDocument | null
}

export type Tags = Record<string, string>

export interface IamUser {
  name: string
  arn: string
  id: string
  path: string
  createDate: string | null
  groups: string[]
  inlinePolicies: InlinePolicy[]
  attachedPolicyArns: string[]
  permissionsBoundaryArn: string | null
  tags: Tags
  /** From the credential report (GAAD does not carry it); null when never used or unknown. */
  passwordLastUsed: string | null
}

export interface IamGroup {
  name: string
  arn: string
  id: string
  path: string
  createDate: string | null
  inlinePolicies: InlinePolicy[]
  attachedPolicyArns: string[]
}

export interface RoleLastUsed {
  date: string
  region: string | null
}

export interface IamRole {
  name: string
  arn: string
  id: string
  path: string
  createDate: string | null
  /** The trust policy (AssumeRolePolicyDocument), parsed. */
  trustPolicy: PolicyDocument | null
  inlinePolicies: InlinePolicy[]
  attachedPolicyArns: string[]
  permissionsBoundaryArn: string | null
  tags: Tags
  /** null when IAM has no record of use (never used, or not within its tracking window). */
  lastUsed: RoleLastUsed | null
  /** Service-linked roles live under /aws-service-role/; SCPs do not apply to them. */
  isServiceLinked: boolean
  instanceProfileArns: string[]
}

export interface ManagedPolicy {
  arn: string
  name: string
  id: string
  path: string
  awsManaged: boolean
  attachmentCount: number
  permissionsBoundaryUsageCount: number
  isAttachable: boolean
  defaultVersionId: string | null
  /**
   * The default version's document. null when unreadable or not returned: a gap for customer
   * policies; for AWS-managed ones collectors may omit it (the policy engine has them all).
   */
  document: PolicyDocument | null
  createDate: string | null
  updateDate: string | null
}

/**
 * How the credential report qualifies `password_last_used`:
 * - `used`: a date is known;
 * - `no_information`: the password exists but IAM has no sign-in on record (never used, or only
 *   before IAM began tracking);
 * - `not_applicable`: the user has no password (`N/A`).
 */
export type PasswordLastUsedStatus = 'used' | 'no_information' | 'not_applicable'

export interface AccessKeyReport {
  n: 1 | 2
  active: boolean
  /** Created or last changed; null when the slot holds no key. */
  lastRotated: string | null
  /** null when the key was never used (or no key). */
  lastUsedDate: string | null
  lastUsedRegion: string | null
  lastUsedService: string | null
}

export interface SigningCertReport {
  n: 1 | 2
  active: boolean
  lastRotated: string | null
}

export interface CredentialReportRow {
  user: string
  arn: string
  userCreationTime: string | null
  /** null for the root user, whose report says `not_supported`. */
  passwordEnabled: boolean | null
  passwordLastUsed: string | null
  passwordLastUsedStatus: PasswordLastUsedStatus
  passwordLastChanged: string | null
  passwordNextRotation: string | null
  mfaActive: boolean
  accessKeys: [AccessKeyReport, AccessKeyReport]
  certs: [SigningCertReport, SigningCertReport]
}

export interface PasswordPolicy {
  minimumPasswordLength: number | null
  requireSymbols: boolean
  requireNumbers: boolean
  requireUppercaseCharacters: boolean
  requireLowercaseCharacters: boolean
  allowUsersToChangePassword: boolean
  expirePasswords: boolean
  /** Days; null when passwords do not expire. */
  maxPasswordAge: number | null
  /** How many previous passwords cannot be reused; null when reuse is not restricted. */
  passwordReusePrevention: number | null
  hardExpiry: boolean
}

export interface AccountSummary {
  accountMfaEnabled: boolean
  accountAccessKeysPresent: boolean
  accountSigningCertificatesPresent: boolean
  users: number | null
  groups: number | null
  roles: number | null
  policies: number | null
  mfaDevices: number | null
  mfaDevicesInUse: number | null
  /** The whole SummaryMap, for counts and quotas not named above. */
  raw: Record<string, number>
}

/** 'unknown' when MFA is on but the virtual-device list could not be read. */
export type RootMfaKind = 'hardware' | 'virtual' | 'none' | 'unknown'

export interface VirtualMfaDevice {
  serialNumber: string
  /** The ARN of the user the device is assigned to; null when unassigned. */
  userArn: string | null
  enableDate: string | null
}

export interface ServerCertificate {
  name: string
  arn: string
  id: string
  path: string
  uploadDate: string | null
  expiration: string | null
}

export interface Trail {
  name: string
  arn: string
  homeRegion: string | null
  isMultiRegion: boolean
  isOrganizationTrail: boolean
  /** null when GetTrailStatus was not read for this trail (see gaps). */
  isLogging: boolean | null
  logFileValidationEnabled: boolean
  includeGlobalServiceEvents: boolean
  s3BucketName: string | null
  kmsKeyId: string | null
}

export interface ConfigRecorder {
  name: string
  /** null when the recorder's status was not returned. */
  recording: boolean | null
  allSupported: boolean
  includeGlobalResourceTypes: boolean
  lastStatus: string | null
}

export type AnalyzerType =
  | 'ACCOUNT'
  | 'ORGANIZATION'
  | 'ACCOUNT_UNUSED_ACCESS'
  | 'ORGANIZATION_UNUSED_ACCESS'
  | 'ACCOUNT_INTERNAL_ACCESS'
  | 'ORGANIZATION_INTERNAL_ACCESS'
  | (string & {})

export interface AccessAnalyzer {
  name: string
  arn: string
  type: AnalyzerType
  /** ACTIVE | CREATING | DISABLED | FAILED */
  status: string
}

export interface RegionState {
  /** Trails DescribeTrails lists in this region, including multi-region trails homed elsewhere. */
  trails: Trail[]
  configRecorders: ConfigRecorder[]
  accessAnalyzers: AccessAnalyzer[]
}

/** Data that could not be read. `api` is `service:Operation`, e.g. `iam:GetCredentialReport`. */
export interface Gap {
  api: string
  /** Set for regional APIs. */
  region?: string
  reason: string
}

export interface AccountState {
  accountId: string
  /** When the raw data was read from AWS (or captured into the snapshot file). */
  collectedAt: string
  users: IamUser[]
  groups: IamGroup[]
  roles: IamRole[]
  /** Customer-managed policies, plus AWS-managed ones when the collector included them. */
  managedPolicies: ManagedPolicy[]
  /** IAM users' rows; the root user's row is in `root`. Empty with a gap when unreadable. */
  credentialReport: CredentialReportRow[]
  credentialReportGeneratedAt: string | null
  /** The `<root_account>` row; null when the report is unreadable. */
  root: CredentialReportRow | null
  rootMfa: RootMfaKind
  /** null = the account has no password policy (or unknown: check gaps). */
  passwordPolicy: PasswordPolicy | null
  accountSummary: AccountSummary | null
  virtualMfaDevices: VirtualMfaDevice[]
  serverCertificates: ServerCertificate[]
  /** Keyed by region name, e.g. `eu-west-1`; only the regions the collector visited. */
  regions: Record<string, RegionState>
  gaps: Gap[]
}
