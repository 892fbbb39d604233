/**
 * The raw bundle of AWS responses for one account, shaped exactly as AWS SDK v3 returns them
 * (PascalCase, every member optional, Config and Access Analyzer in their own camelCase). The
 * snapshot file stores it as JSON; the AWS collector builds the same bundle from live calls, so
 * both go through one normalizer.
 *
 * Conventions, so that a collector and a hand-written snapshot agree:
 * - Keys are operation names. Paginated operations are stored as ONE response whose list holds
 *   every page (IsTruncated false, no Marker).
 * - A call that failed is stored as `{ "Error": { "Code", "Message" } }` (the AWS error body).
 *   GetAccountPasswordPolicy failing with NoSuchEntity means "no password policy", not a gap.
 * - An operation that is absent was not collected; the normalizer records it as a gap.
 * - Timestamps are ISO strings in JSON; the SDK's Date objects are accepted too.
 * - Policy documents are URL-encoded JSON strings, as IAM returns them; decoded strings and
 *   parsed objects are tolerated.
 */

export type RawDate = string | Date

/** A failed call, recorded instead of its response. */
export interface RawApiError {
  Error: { Code: string; Message?: string }
}

/** Either the operation's response or the error it raised. */
export type RawOutcome<T> = T | RawApiError

/** IAM returns documents URL-encoded; collectors may hand over decoded strings or objects. */
export type RawPolicyDocument = string | Record<string, unknown>

export interface RawTag {
  Key?: string
  Value?: string
}

export interface RawPolicyDetail {
  PolicyName?: string
  PolicyDocument?: RawPolicyDocument
}

export interface RawAttachedPolicy {
  PolicyName?: string
  PolicyArn?: string
}

export interface RawPermissionsBoundary {
  PermissionsBoundaryType?: string
  PermissionsBoundaryArn?: string
}

export interface RawUserDetail {
  Path?: string
  UserName?: string
  UserId?: string
  Arn?: string
  CreateDate?: RawDate
  UserPolicyList?: RawPolicyDetail[]
  GroupList?: string[]
  AttachedManagedPolicies?: RawAttachedPolicy[]
  PermissionsBoundary?: RawPermissionsBoundary
  Tags?: RawTag[]
}

export interface RawGroupDetail {
  Path?: string
  GroupName?: string
  GroupId?: string
  Arn?: string
  CreateDate?: RawDate
  GroupPolicyList?: RawPolicyDetail[]
  AttachedManagedPolicies?: RawAttachedPolicy[]
}

export interface RawInstanceProfile {
  Path?: string
  InstanceProfileName?: string
  InstanceProfileId?: string
  Arn?: string
  CreateDate?: RawDate
}

export interface RawRoleDetail {
  Path?: string
  RoleName?: string
  RoleId?: string
  Arn?: string
  CreateDate?: RawDate
  AssumeRolePolicyDocument?: RawPolicyDocument
  InstanceProfileList?: RawInstanceProfile[]
  RolePolicyList?: RawPolicyDetail[]
  AttachedManagedPolicies?: RawAttachedPolicy[]
  PermissionsBoundary?: RawPermissionsBoundary
  Tags?: RawTag[]
  /** IAM returns an empty object when the role has no recorded use. */
  RoleLastUsed?: { LastUsedDate?: RawDate; Region?: string }
}

export interface RawPolicyVersion {
  Document?: RawPolicyDocument
  VersionId?: string
  IsDefaultVersion?: boolean
  CreateDate?: RawDate
}

export interface RawManagedPolicyDetail {
  PolicyName?: string
  PolicyId?: string
  Arn?: string
  Path?: string
  DefaultVersionId?: string
  AttachmentCount?: number
  PermissionsBoundaryUsageCount?: number
  IsAttachable?: boolean
  Description?: string
  CreateDate?: RawDate
  UpdateDate?: RawDate
  PolicyVersionList?: RawPolicyVersion[]
}

export interface RawAuthorizationDetails {
  UserDetailList?: RawUserDetail[]
  GroupDetailList?: RawGroupDetail[]
  RoleDetailList?: RawRoleDetail[]
  Policies?: RawManagedPolicyDetail[]
  IsTruncated?: boolean
  Marker?: string
}

export interface RawCredentialReport {
  /** The CSV text. The SDK hands over bytes; the collector decodes them to UTF-8 text. Base64 is tolerated. */
  Content?: string
  ReportFormat?: string
  GeneratedTime?: RawDate
}

export interface RawPasswordPolicy {
  MinimumPasswordLength?: number
  RequireSymbols?: boolean
  RequireNumbers?: boolean
  RequireUppercaseCharacters?: boolean
  RequireLowercaseCharacters?: boolean
  AllowUsersToChangePassword?: boolean
  ExpirePasswords?: boolean
  MaxPasswordAge?: number
  PasswordReusePrevention?: number
  HardExpiry?: boolean
}

export interface RawVirtualMfaDevice {
  SerialNumber?: string
  User?: { Arn?: string; UserName?: string; UserId?: string; Path?: string; CreateDate?: RawDate }
  EnableDate?: RawDate
  Tags?: RawTag[]
}

export interface RawServerCertificateMetadata {
  Path?: string
  ServerCertificateName?: string
  ServerCertificateId?: string
  Arn?: string
  UploadDate?: RawDate
  Expiration?: RawDate
}

export interface RawIam {
  GetAccountAuthorizationDetails?: RawOutcome<RawAuthorizationDetails>
  GetCredentialReport?: RawOutcome<RawCredentialReport>
  /** A response without PasswordPolicy, or NoSuchEntity, means the account has none. */
  GetAccountPasswordPolicy?: RawOutcome<{ PasswordPolicy?: RawPasswordPolicy }>
  GetAccountSummary?: RawOutcome<{ SummaryMap?: Record<string, number> }>
  ListVirtualMFADevices?: RawOutcome<{ VirtualMFADevices?: RawVirtualMfaDevice[] }>
  ListServerCertificates?: RawOutcome<{ ServerCertificateMetadataList?: RawServerCertificateMetadata[] }>
}

export interface RawTrail {
  Name?: string
  TrailARN?: string
  HomeRegion?: string
  IsMultiRegionTrail?: boolean
  IsOrganizationTrail?: boolean
  IncludeGlobalServiceEvents?: boolean
  LogFileValidationEnabled?: boolean
  S3BucketName?: string
  S3KeyPrefix?: string
  KmsKeyId?: string
  CloudWatchLogsLogGroupArn?: string
  HasCustomEventSelectors?: boolean
  HasInsightSelectors?: boolean
}

export interface RawTrailStatus {
  IsLogging?: boolean
  LatestDeliveryTime?: RawDate
  StartLoggingTime?: RawDate
  StopLoggingTime?: RawDate
  LatestDeliveryError?: string
}

export interface RawCloudTrail {
  DescribeTrails?: RawOutcome<{ trailList?: RawTrail[] }>
  /** One GetTrailStatus response (or error) per trail, keyed by trail ARN (or name). */
  GetTrailStatus?: Record<string, RawOutcome<RawTrailStatus>>
}

export interface RawConfigRecorder {
  name?: string
  roleARN?: string
  arn?: string
  recordingGroup?: {
    allSupported?: boolean
    includeGlobalResourceTypes?: boolean
    resourceTypes?: string[]
  }
}

export interface RawConfigRecorderStatus {
  name?: string
  recording?: boolean
  lastStatus?: string
  lastStartTime?: RawDate
  lastStopTime?: RawDate
  lastErrorCode?: string
  lastErrorMessage?: string
}

export interface RawConfig {
  DescribeConfigurationRecorders?: RawOutcome<{ ConfigurationRecorders?: RawConfigRecorder[] }>
  DescribeConfigurationRecorderStatus?: RawOutcome<{
    ConfigurationRecordersStatus?: RawConfigRecorderStatus[]
  }>
}

export interface RawAnalyzer {
  arn?: string
  name?: string
  type?: string
  status?: string
  createdAt?: RawDate
  statusReason?: { code?: string }
}

export interface RawAccessAnalyzer {
  ListAnalyzers?: RawOutcome<{ analyzers?: RawAnalyzer[] }>
}

export interface RawRegion {
  cloudtrail?: RawCloudTrail
  config?: RawConfig
  accessanalyzer?: RawAccessAnalyzer
}

export interface RawAccountData {
  /** When these responses were read; defaults to the snapshot's capturedAt. */
  collectedAt?: string
  iam?: RawIam
  /** Regional services, keyed by region name. */
  regions?: Record<string, RawRegion>
}
