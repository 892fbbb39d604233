/** A small raw bundle, shaped as the AWS SDK returns it, that normalizes without gaps. */
import type { RawAccountData } from '../../src/org/normalize.js'
import { credentialReport, iamEncoded } from './fixtures.js'

export const ID = '123456789012'
export const OPTIONS = { collectedAt: '2026-11-25T06:30:00Z' }
export const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
}
export const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}
export const ROOT_ROW = (mfa: boolean) =>
  `<root_account>,arn:aws:iam::${ID}:root,2024-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,${mfa},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`
export const ALICE_ROW = `alice,arn:aws:iam::${ID}:user/alice,2025-01-01T00:00:00+00:00,true,2026-11-24T16:00:00+00:00,2026-10-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`

export function rawAccount(): RawAccountData {
  return {
    iam: {
      GetAccountAuthorizationDetails: {
        UserDetailList: [
          {
            UserName: 'alice',
            UserId: 'AIDAEXAMPLEALICE00001',
            Arn: `arn:aws:iam::${ID}:user/alice`,
            Path: '/',
            CreateDate: '2025-01-01T00:00:00Z',
            GroupList: ['admins'],
            UserPolicyList: [{ PolicyName: 'everything', PolicyDocument: iamEncoded(ALLOW_ALL) }],
            AttachedManagedPolicies: [
              { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            ],
            PermissionsBoundary: {
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
              PermissionsBoundaryArn: `arn:aws:iam::${ID}:policy/boundary`,
            },
            Tags: [{ Key: 'team', Value: 'platform' }],
          },
        ],
        GroupDetailList: [
          {
            GroupName: 'admins',
            GroupId: 'AGPAEXAMPLEADMINS0001',
            Arn: `arn:aws:iam::${ID}:group/admins`,
            AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
          },
        ],
        RoleDetailList: [
          {
            RoleName: 'app',
            RoleId: 'AROAEXAMPLEAPP0000001',
            Arn: `arn:aws:iam::${ID}:role/app`,
            Path: '/',
            AssumeRolePolicyDocument: iamEncoded(EC2_TRUST),
            RoleLastUsed: {},
            InstanceProfileList: [{ Arn: `arn:aws:iam::${ID}:instance-profile/app` }],
          },
          {
            RoleName: 'AWSServiceRoleForSupport',
            Arn: `arn:aws:iam::${ID}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
            Path: '/aws-service-role/support.amazonaws.com/',
            AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST),
            RoleLastUsed: { LastUsedDate: new Date('2026-11-01T00:00:00Z'), Region: 'eu-west-1' },
          },
        ],
        Policies: [
          {
            PolicyName: 'custom',
            Arn: `arn:aws:iam::${ID}:policy/custom`,
            DefaultVersionId: 'v2',
            AttachmentCount: 1,
            PolicyVersionList: [
              { VersionId: 'v2', IsDefaultVersion: true, Document: iamEncoded(ALLOW_ALL) },
              { VersionId: 'v1', IsDefaultVersion: false, Document: iamEncoded(EC2_TRUST) },
            ],
          },
          {
            PolicyName: 'AdministratorAccess',
            Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
            AttachmentCount: 1,
          },
        ],
      },
      GetCredentialReport: {
        Content: credentialReport(ROOT_ROW(true), ALICE_ROW),
        GeneratedTime: '2026-11-25T06:00:00Z',
      },
      GetAccountPasswordPolicy: {
        PasswordPolicy: { MinimumPasswordLength: 14, RequireSymbols: true, MaxPasswordAge: 90 },
      },
      GetAccountSummary: { SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: 1 } },
      ListVirtualMFADevices: { VirtualMFADevices: [] },
      ListServerCertificates: {
        ServerCertificateMetadataList: [
          {
            ServerCertificateName: 'old',
            Arn: `arn:aws:iam::${ID}:server-certificate/old`,
            Expiration: '2026-08-31T23:59:59Z',
          },
        ],
      },
    },
    regions: {
      'eu-west-1': {
        cloudtrail: {
          DescribeTrails: {
            trailList: [
              {
                Name: 'main',
                TrailARN: `arn:aws:cloudtrail:eu-west-1:${ID}:trail/main`,
                IsMultiRegionTrail: true,
              },
            ],
          },
          GetTrailStatus: { [`arn:aws:cloudtrail:eu-west-1:${ID}:trail/main`]: { IsLogging: true } },
        },
        config: {
          DescribeConfigurationRecorders: {
            ConfigurationRecorders: [{ name: 'default', recordingGroup: { allSupported: true } }],
          },
          DescribeConfigurationRecorderStatus: {
            ConfigurationRecordersStatus: [{ name: 'default', recording: true }],
          },
        },
        accessanalyzer: {
          ListAnalyzers: { analyzers: [{ name: 'a', arn: 'arn:a', type: 'ACCOUNT', status: 'ACTIVE' }] },
        },
      },
    },
  }
}
