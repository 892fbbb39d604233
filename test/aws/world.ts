/**
 * A small fake AWS behind aws-sdk-client-mock: STS hands out sessions that name their account,
 * and every account-side call answers from that account's data, so one mock serves several
 * accounts at once. Every paginated call answers in (at least) two pages.
 */
import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer'
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail'
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service'
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListPoliciesCommand,
  ListServerCertificatesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam'
import { OrganizationsClient } from '@aws-sdk/client-organizations'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { accountOfClient, accountOfRoleArn, awsError, iamEncoded, stsCredentials } from './helpers.js'

export type Mocks = ReturnType<typeof createMocks>

/** Call once per test file: aws-sdk-client-mock stubs the client classes' prototypes. */
export function createMocks() {
  return {
    sts: mockClient(STSClient),
    iam: mockClient(IAMClient),
    organizations: mockClient(OrganizationsClient),
    cloudtrail: mockClient(CloudTrailClient),
    config: mockClient(ConfigServiceClient),
    analyzer: mockClient(AccessAnalyzerClient),
  }
}

export function resetMocks(mocks: Mocks): void {
  for (const mock of Object.values(mocks)) mock.reset()
}

export const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
}
export const READ_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:Get*'], Resource: '*' }],
}
export const POWER_USER = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
}
export const TRUST_EC2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}

/** AWS-managed policies the fake knows, with their default version's document. */
export const AWS_POLICIES: Record<string, { name: string; version: string; document: unknown }> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    name: 'AdministratorAccess',
    version: 'v1',
    document: ALLOW_ALL,
  },
  'arn:aws:iam::aws:policy/ReadOnlyAccess': { name: 'ReadOnlyAccess', version: 'v117', document: READ_ONLY },
  'arn:aws:iam::aws:policy/PowerUserAccess': { name: 'PowerUserAccess', version: 'v5', document: POWER_USER },
}

export const CSV_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'

export function reportCsv(accountId: string): string {
  return [
    CSV_HEADER,
    `<root_account>,arn:aws:iam::${accountId}:root,2024-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    `alice,arn:aws:iam::${accountId}:user/alice,2025-01-01T00:00:00+00:00,true,no_information,2026-10-01T00:00:00+00:00,N/A,false,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  ].join('\n')
}

/** GAAD in two pages: users and groups first, then roles and a customer policy. */
export function gaadPages(accountId: string) {
  return [
    {
      UserDetailList: [
        {
          UserName: 'alice',
          UserId: 'AIDAALICE',
          Arn: `arn:aws:iam::${accountId}:user/alice`,
          Path: '/',
          GroupList: ['admins'],
          AttachedManagedPolicies: [
            { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
          ],
          UserPolicyList: [],
        },
      ],
      GroupDetailList: [
        {
          GroupName: 'admins',
          GroupId: 'AGPAADMINS',
          Arn: `arn:aws:iam::${accountId}:group/admins`,
          AttachedManagedPolicies: [
            { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
          ],
        },
      ],
      IsTruncated: true,
      Marker: 'gaad-page-2',
    },
    {
      RoleDetailList: [
        {
          RoleName: 'app',
          RoleId: 'AROAAPP',
          Arn: `arn:aws:iam::${accountId}:role/app`,
          Path: '/',
          AssumeRolePolicyDocument: iamEncoded(TRUST_EC2),
          AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${accountId}:policy/custom` }],
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy',
            PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
          },
          RoleLastUsed: {},
        },
      ],
      Policies: [
        {
          PolicyName: 'custom',
          PolicyId: 'ANPACUSTOM',
          Arn: `arn:aws:iam::${accountId}:policy/custom`,
          DefaultVersionId: 'v2',
          AttachmentCount: 1,
          PolicyVersionList: [
            { VersionId: 'v2', IsDefaultVersion: true, Document: iamEncoded(ALLOW_ALL) },
            { VersionId: 'v1', IsDefaultVersion: false, Document: iamEncoded(READ_ONLY) },
          ],
        },
      ],
      IsTruncated: false,
    },
  ]
}

/** Picks the page for a Marker/NextToken: the first page without one, page N for `<name>-page-N`. */
function pageOf<T>(list: T[], token: string | undefined): T {
  if (!token) return list[0]
  const n = Number(/-page-(\d+)$/.exec(token)?.[1] ?? 'NaN')
  if (!Number.isInteger(n) || !list[n - 1]) throw new Error(`unknown page token ${token}`)
  return list[n - 1]
}

export async function regionOf(getClient: () => unknown): Promise<string> {
  return (getClient() as { config: { region: () => Promise<string> } }).config.region()
}

export const ORG_TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:100000000001:trail/org-trail'

/** Every account-side call answers for the calling account; tests override what they examine. */
export function installHappyAccounts(mocks: Mocks): void {
  mocks.sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: stsCredentials(accountOfRoleArn(input.RoleArn)),
  }))

  const { iam } = mocks
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .callsFake(async (input: { Marker?: string }, getClient) =>
      pageOf(gaadPages(await accountOfClient(getClient)), input.Marker),
    )
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' })
  iam.on(GetCredentialReportCommand).callsFake(async (_input, getClient) => ({
    Content: new TextEncoder().encode(reportCsv(await accountOfClient(getClient))),
    ReportFormat: 'text/csv',
    GeneratedTime: new Date('2026-11-25T06:00:00Z'),
  }))
  iam.on(GetAccountPasswordPolicyCommand).resolves({
    PasswordPolicy: { MinimumPasswordLength: 14, RequireSymbols: true, PasswordReusePrevention: 24 },
  })
  iam
    .on(GetAccountSummaryCommand)
    .resolves({ SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: 1 } })
  iam.on(ListVirtualMFADevicesCommand).callsFake(async (input: { Marker?: string }, getClient) => {
    const id = await accountOfClient(getClient)
    return pageOf(
      [
        {
          VirtualMFADevices: [
            { SerialNumber: `arn:aws:iam::${id}:mfa/root`, User: { Arn: `arn:aws:iam::${id}:root` } },
          ],
          IsTruncated: true,
          Marker: 'mfa-page-2',
        },
        { VirtualMFADevices: [{ SerialNumber: `arn:aws:iam::${id}:mfa/spare` }], IsTruncated: false },
      ],
      input.Marker,
    )
  })
  iam.on(ListServerCertificatesCommand).callsFake((input: { Marker?: string }) =>
    pageOf(
      [
        {
          ServerCertificateMetadataList: [
            {
              ServerCertificateName: 'old',
              Arn: 'arn:aws:iam::1:server-certificate/old',
              Path: '/',
              ServerCertificateId: 'A',
              Expiration: new Date('2020-01-01T00:00:00Z'),
            },
          ],
          IsTruncated: true,
          Marker: 'cert-page-2',
        },
        {
          ServerCertificateMetadataList: [
            {
              ServerCertificateName: 'new',
              Arn: 'arn:aws:iam::1:server-certificate/new',
              Path: '/',
              ServerCertificateId: 'B',
              Expiration: new Date('2030-01-01T00:00:00Z'),
            },
          ],
          IsTruncated: false,
        },
      ],
      input.Marker,
    ),
  )
  const awsPolicies = Object.entries(AWS_POLICIES).map(([arn, p]) => ({
    Arn: arn,
    PolicyName: p.name,
    PolicyId: `ANPA${p.name.toUpperCase()}`,
    Path: '/',
    DefaultVersionId: p.version,
    IsAttachable: true,
  }))
  iam.on(ListPoliciesCommand).callsFake((input: { Marker?: string; Scope?: string }) => {
    if (input.Scope !== 'AWS') throw new Error('the fake only lists AWS-managed policies')
    return pageOf(
      [
        { Policies: awsPolicies.slice(0, 2), IsTruncated: true, Marker: 'policies-page-2' },
        { Policies: awsPolicies.slice(2), IsTruncated: false },
      ],
      input.Marker,
    )
  })
  iam.on(GetPolicyVersionCommand).callsFake((input: { PolicyArn: string; VersionId: string }) => {
    const policy = AWS_POLICIES[input.PolicyArn]
    if (!policy || policy.version !== input.VersionId)
      throw awsError('NoSuchEntity', `no ${input.PolicyArn} ${input.VersionId}`)
    return {
      PolicyVersion: {
        Document: iamEncoded(policy.document),
        VersionId: policy.version,
        IsDefaultVersion: true,
      },
    }
  })
  iam.on(GetPolicyCommand).rejects(awsError('NoSuchEntity', 'the fake lists every AWS policy it knows'))

  mocks.cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        Name: 'org-trail',
        TrailARN: ORG_TRAIL_ARN,
        HomeRegion: 'us-east-1',
        IsMultiRegionTrail: true,
        IsOrganizationTrail: true,
      },
    ],
  })
  mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true })
  mocks.config.on(DescribeConfigurationRecordersCommand).resolves({
    ConfigurationRecorders: [
      { name: 'default', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
    ],
  })
  mocks.config.on(DescribeConfigurationRecorderStatusCommand).resolves({
    ConfigurationRecordersStatus: [{ name: 'default', recording: true, lastStatus: 'Success' }],
  })
  mocks.analyzer.on(ListAnalyzersCommand).callsFake((input: { nextToken?: string }) =>
    pageOf(
      [
        {
          analyzers: [
            {
              name: 'org',
              arn: 'arn:aws:access-analyzer:x:1:analyzer/org',
              type: 'ORGANIZATION',
              status: 'ACTIVE',
            },
          ],
          nextToken: 'analyzers-page-2',
        },
        {
          analyzers: [
            {
              name: 'unused',
              arn: 'arn:aws:access-analyzer:x:1:analyzer/unused',
              type: 'ACCOUNT_UNUSED_ACCESS',
              status: 'ACTIVE',
            },
          ],
        },
      ],
      input.nextToken,
    ),
  )
}
