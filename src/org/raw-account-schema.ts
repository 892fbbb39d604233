/**
 * TypeBox schema of RawAccountData as stored in a snapshot file. Loose on purpose: AWS adds
 * response fields over time and the file keeps them. It checks what the normalizer relies on
 * (lists are lists, names are strings, timestamps are timestamps), so a broken file fails at
 * load with a path instead of becoming a quiet gap.
 */
import Type, { type Static, type TProperties } from 'typebox'
import type { RawAccountData } from './raw-account-data.js'

const Opt = Type.Optional
const Text = Type.String()
const Timestamp = Type.String({ format: 'date-time' })
const Flag = Type.Boolean()
const Count = Type.Integer({ minimum: 0 })
// A document is a URL-encoded string as IAM returns it, or an already parsed object.
const Document = Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())])

const ApiError = Type.Object({ Code: Type.String({ minLength: 1 }), Message: Opt(Text) })

/**
 * A response, or the error the call raised. Modelled as one object with an optional `Error`
 * (every response member is optional anyway), so a mistake gets one precise message instead of
 * one per union branch.
 */
function outcome<P extends TProperties>(properties: P) {
  return Type.Object({ ...properties, Error: Opt(ApiError) })
}

const Tag = Type.Object({ Key: Opt(Text), Value: Opt(Text) })
const PolicyDetail = Type.Object({ PolicyName: Opt(Text), PolicyDocument: Opt(Document) })
const AttachedPolicy = Type.Object({ PolicyName: Opt(Text), PolicyArn: Opt(Text) })
const Boundary = Type.Object({ PermissionsBoundaryType: Opt(Text), PermissionsBoundaryArn: Opt(Text) })

const UserDetail = Type.Object({
  Path: Opt(Text),
  UserName: Opt(Text),
  UserId: Opt(Text),
  Arn: Opt(Text),
  CreateDate: Opt(Timestamp),
  UserPolicyList: Opt(Type.Array(PolicyDetail)),
  GroupList: Opt(Type.Array(Text)),
  AttachedManagedPolicies: Opt(Type.Array(AttachedPolicy)),
  PermissionsBoundary: Opt(Boundary),
  Tags: Opt(Type.Array(Tag)),
})

const GroupDetail = Type.Object({
  Path: Opt(Text),
  GroupName: Opt(Text),
  GroupId: Opt(Text),
  Arn: Opt(Text),
  CreateDate: Opt(Timestamp),
  GroupPolicyList: Opt(Type.Array(PolicyDetail)),
  AttachedManagedPolicies: Opt(Type.Array(AttachedPolicy)),
})

const RoleDetail = Type.Object({
  Path: Opt(Text),
  RoleName: Opt(Text),
  RoleId: Opt(Text),
  Arn: Opt(Text),
  CreateDate: Opt(Timestamp),
  AssumeRolePolicyDocument: Opt(Document),
  InstanceProfileList: Opt(
    Type.Array(
      Type.Object({
        Path: Opt(Text),
        InstanceProfileName: Opt(Text),
        InstanceProfileId: Opt(Text),
        Arn: Opt(Text),
        CreateDate: Opt(Timestamp),
      }),
    ),
  ),
  RolePolicyList: Opt(Type.Array(PolicyDetail)),
  AttachedManagedPolicies: Opt(Type.Array(AttachedPolicy)),
  PermissionsBoundary: Opt(Boundary),
  Tags: Opt(Type.Array(Tag)),
  RoleLastUsed: Opt(Type.Object({ LastUsedDate: Opt(Timestamp), Region: Opt(Text) })),
})

const ManagedPolicyDetail = Type.Object({
  PolicyName: Opt(Text),
  PolicyId: Opt(Text),
  Arn: Opt(Text),
  Path: Opt(Text),
  DefaultVersionId: Opt(Text),
  AttachmentCount: Opt(Count),
  PermissionsBoundaryUsageCount: Opt(Count),
  IsAttachable: Opt(Flag),
  Description: Opt(Text),
  CreateDate: Opt(Timestamp),
  UpdateDate: Opt(Timestamp),
  PolicyVersionList: Opt(
    Type.Array(
      Type.Object({
        Document: Opt(Document),
        VersionId: Opt(Text),
        IsDefaultVersion: Opt(Flag),
        CreateDate: Opt(Timestamp),
      }),
    ),
  ),
})

const PasswordPolicy = Type.Object({
  MinimumPasswordLength: Opt(Count),
  RequireSymbols: Opt(Flag),
  RequireNumbers: Opt(Flag),
  RequireUppercaseCharacters: Opt(Flag),
  RequireLowercaseCharacters: Opt(Flag),
  AllowUsersToChangePassword: Opt(Flag),
  ExpirePasswords: Opt(Flag),
  MaxPasswordAge: Opt(Count),
  PasswordReusePrevention: Opt(Count),
  HardExpiry: Opt(Flag),
})

const IamSchema = Type.Object({
  GetAccountAuthorizationDetails: Opt(
    outcome({
      UserDetailList: Opt(Type.Array(UserDetail)),
      GroupDetailList: Opt(Type.Array(GroupDetail)),
      RoleDetailList: Opt(Type.Array(RoleDetail)),
      Policies: Opt(Type.Array(ManagedPolicyDetail)),
      IsTruncated: Opt(Flag),
      Marker: Opt(Text),
    }),
  ),
  GetCredentialReport: Opt(
    outcome({ Content: Opt(Text), ReportFormat: Opt(Text), GeneratedTime: Opt(Timestamp) }),
  ),
  GetAccountPasswordPolicy: Opt(outcome({ PasswordPolicy: Opt(PasswordPolicy) })),
  GetAccountSummary: Opt(outcome({ SummaryMap: Opt(Type.Record(Type.String(), Type.Number())) })),
  ListVirtualMFADevices: Opt(
    outcome({
      VirtualMFADevices: Opt(
        Type.Array(
          Type.Object({
            SerialNumber: Opt(Text),
            User: Opt(
              Type.Object({ Arn: Opt(Text), UserName: Opt(Text), UserId: Opt(Text), Path: Opt(Text) }),
            ),
            EnableDate: Opt(Timestamp),
            Tags: Opt(Type.Array(Tag)),
          }),
        ),
      ),
    }),
  ),
  ListServerCertificates: Opt(
    outcome({
      ServerCertificateMetadataList: Opt(
        Type.Array(
          Type.Object({
            Path: Opt(Text),
            ServerCertificateName: Opt(Text),
            ServerCertificateId: Opt(Text),
            Arn: Opt(Text),
            UploadDate: Opt(Timestamp),
            Expiration: Opt(Timestamp),
          }),
        ),
      ),
    }),
  ),
})

const Trail = Type.Object({
  Name: Opt(Text),
  TrailARN: Opt(Text),
  HomeRegion: Opt(Text),
  IsMultiRegionTrail: Opt(Flag),
  IsOrganizationTrail: Opt(Flag),
  IncludeGlobalServiceEvents: Opt(Flag),
  LogFileValidationEnabled: Opt(Flag),
  S3BucketName: Opt(Text),
  KmsKeyId: Opt(Text),
})

const RegionSchema = Type.Object({
  cloudtrail: Opt(
    Type.Object({
      DescribeTrails: Opt(outcome({ trailList: Opt(Type.Array(Trail)) })),
      GetTrailStatus: Opt(Type.Record(Type.String(), outcome({ IsLogging: Opt(Flag) }))),
    }),
  ),
  config: Opt(
    Type.Object({
      DescribeConfigurationRecorders: Opt(
        outcome({
          ConfigurationRecorders: Opt(
            Type.Array(
              Type.Object({
                name: Opt(Text),
                roleARN: Opt(Text),
                recordingGroup: Opt(
                  Type.Object({ allSupported: Opt(Flag), includeGlobalResourceTypes: Opt(Flag) }),
                ),
              }),
            ),
          ),
        }),
      ),
      DescribeConfigurationRecorderStatus: Opt(
        outcome({
          ConfigurationRecordersStatus: Opt(
            Type.Array(Type.Object({ name: Opt(Text), recording: Opt(Flag), lastStatus: Opt(Text) })),
          ),
        }),
      ),
    }),
  ),
  accessanalyzer: Opt(
    Type.Object({
      ListAnalyzers: Opt(
        outcome({
          analyzers: Opt(
            Type.Array(Type.Object({ arn: Opt(Text), name: Opt(Text), type: Opt(Text), status: Opt(Text) })),
          ),
        }),
      ),
    }),
  ),
})

export const RawAccountDataSchema = Type.Object({
  collectedAt: Opt(Timestamp),
  iam: Opt(IamSchema),
  regions: Opt(Type.Record(Type.String(), RegionSchema)),
})

// Compile-time guard: whatever the schema accepts, the normalizer's input type accepts.
export const schemaFitsRawAccountData: [Static<typeof RawAccountDataSchema>] extends [RawAccountData]
  ? true
  : false = true
