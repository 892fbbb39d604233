/**
 * A fake organization behind aws-sdk-client-mock's OrganizationsClient stub: a root with nested
 * OUs (Root → A → B, Root → C), six accounts in every state (ACTIVE, SUSPENDED, PENDING_CLOSURE,
 * CLOSED), SCPs and an RCP with their targets, delegated administrators and account tags. Every
 * list answers through NextToken pages, some of them empty.
 *
 * Shared by the Organizations reader tests and the end-to-end AWS sweep.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import type { AwsClientStub } from 'aws-sdk-client-mock'
import { awsError } from './helpers.js'

export const MGMT = '100000000001'
export const ROOT = 'r-ab12'
export const OU_A = 'ou-ab12-aaaaaaaa'
export const OU_B = 'ou-ab12-bbbbbbbb'
export const OU_C = 'ou-ab12-cccccccc'
/** The accounts by where and what they are. */
export const ACCOUNT = {
  management: MGMT,
  /** In OU B, under OU A: the deepest account. */
  nested: '200000000002',
  /** In OU C, beside the inactive ones. */
  member: '300000000003',
  suspended: '400000000004',
  pendingClosure: '500000000005',
  /** CLOSED, which the reader reports as SUSPENDED. */
  closed: '600000000006',
} as const
/** The accounts a sweep of the whole organization collects. */
export const ACTIVE_ACCOUNTS: string[] = [ACCOUNT.management, ACCOUNT.nested, ACCOUNT.member]
export const arn = (kind: string, id: string) => `arn:aws:organizations::${MGMT}:${kind}/o-abc/${id}`

/** Answers a paginated call from `pages[key]`, following NextToken `<key>#<n>`. */
function paged(
  pages: Record<string, Array<Record<string, unknown>>>,
  keyOf: (input: Record<string, unknown>) => string,
) {
  return (input: Record<string, unknown>) => {
    const key = keyOf(input)
    const list = pages[key]
    if (!list) throw awsError('TargetNotFoundException', `no fake data for ${key}`)
    const token = typeof input.NextToken === 'string' ? input.NextToken : undefined
    const n = token ? Number(token.split('#')[1]) : 0
    const page = list[n]
    if (!page) throw new Error(`bad token ${token}`)
    return n + 1 < list.length ? { ...page, NextToken: `${key}#${n + 1}` } : page
  }
}

const account = (id: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  Arn: arn('account', id),
  Name: `acct-${id}`,
  Email: `${id}@example.test`,
  State: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: new Date('2025-05-05T00:00:00Z'),
  ...extra,
})

/** Installs the organization on `org` (a stub of OrganizationsClient); tests override what they examine. */
export function installOrganization(org: AwsClientStub<OrganizationsClient>): void {
  // The first call. A mocked client skips the SDK's signer, which would resolve the client's
  // credentials; this does it, so a hub session is assumed by the organization read as in AWS.
  org.on(DescribeOrganizationCommand).callsFake(async (_input, getClient) => {
    await getClient().config.credentials()
    return {
      Organization: {
        Id: 'o-abc',
        Arn: `arn:aws:organizations::${MGMT}:organization/o-abc`,
        MasterAccountId: MGMT,
        FeatureSet: 'ALL',
      },
    }
  })
  org.on(ListRootsCommand).callsFake(
    paged(
      {
        // Organizations may answer a page with no items and a NextToken.
        roots: [
          { Roots: [] },
          {
            Roots: [
              {
                Id: ROOT,
                Arn: arn('root', ROOT),
                Name: 'Root',
                PolicyTypes: [
                  { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
                  { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
                  { Type: 'TAG_POLICY', Status: 'ENABLED' },
                ],
              },
            ],
          },
        ],
      },
      () => 'roots',
    ),
  )
  org.on(ListOrganizationalUnitsForParentCommand).callsFake(
    paged(
      {
        [ROOT]: [
          { OrganizationalUnits: [{ Id: OU_A, Arn: arn('ou', OU_A), Name: 'A' }] },
          { OrganizationalUnits: [{ Id: OU_C, Arn: arn('ou', OU_C), Name: 'C' }] },
        ],
        [OU_A]: [{ OrganizationalUnits: [{ Id: OU_B, Arn: arn('ou', OU_B), Name: 'B' }] }],
        [OU_B]: [{ OrganizationalUnits: [] }],
        [OU_C]: [{ OrganizationalUnits: [] }],
      },
      (input) => String(input.ParentId),
    ),
  )
  org.on(ListAccountsForParentCommand).callsFake(
    paged(
      {
        [ROOT]: [{ Accounts: [account(MGMT, { JoinedMethod: 'INVITED' })] }],
        [OU_A]: [{ Accounts: [] }],
        [OU_B]: [{ Accounts: [account('200000000002')] }],
        [OU_C]: [
          { Accounts: [account('300000000003'), account('400000000004', { State: 'SUSPENDED' })] },
          {
            Accounts: [
              account('500000000005', { State: undefined, Status: 'PENDING_CLOSURE' }),
              account('600000000006', { State: 'CLOSED' }),
            ],
          },
        ],
      },
      (input) => String(input.ParentId),
    ),
  )
  org.on(ListPoliciesCommand).callsFake(
    paged(
      {
        SERVICE_CONTROL_POLICY: [
          {
            Policies: [
              {
                Id: 'p-FullAWSAccess',
                Arn: arn('policy', 'p-full'),
                Name: 'FullAWSAccess',
                AwsManaged: true,
                Type: 'SERVICE_CONTROL_POLICY',
              },
            ],
          },
          {
            Policies: [
              {
                Id: 'p-denyleave',
                Arn: arn('policy', 'p-deny'),
                Name: 'deny-leave',
                Description: 'no leaving',
                AwsManaged: false,
              },
            ],
          },
        ],
        RESOURCE_CONTROL_POLICY: [
          {
            Policies: [
              {
                Id: 'p-RCPFullAWSAccess',
                Arn: arn('policy', 'p-rcp'),
                Name: 'RCPFullAWSAccess',
                AwsManaged: true,
              },
            ],
          },
        ],
      },
      (input) => String(input.Filter),
    ),
  )
  org.on(DescribePolicyCommand).callsFake((input: { PolicyId: string }) => ({
    Policy: { Content: `{"Version":"2012-10-17","Statement":[{"Sid":"${input.PolicyId}"}]}` },
  }))
  org.on(ListTargetsForPolicyCommand).callsFake(
    paged(
      {
        'p-FullAWSAccess': [
          { Targets: [{ TargetId: ROOT }, { TargetId: OU_A }] },
          { Targets: [{ TargetId: OU_B }, { TargetId: MGMT }] },
        ],
        'p-denyleave': [{ Targets: [{ TargetId: OU_C }] }],
      },
      (input) => String(input.PolicyId),
    ),
  )
  org.on(ListDelegatedAdministratorsCommand).callsFake(
    paged(
      {
        admins: [
          { DelegatedAdministrators: [{ Id: '300000000003' }] },
          { DelegatedAdministrators: [{ Id: '200000000002' }] },
        ],
      },
      () => 'admins',
    ),
  )
  org.on(ListDelegatedServicesForAccountCommand).callsFake(
    paged(
      {
        '300000000003': [
          { DelegatedServices: [{ ServicePrincipal: 'config.amazonaws.com' }] },
          { DelegatedServices: [{ ServicePrincipal: 'access-analyzer.amazonaws.com' }] },
        ],
        '200000000002': [{ DelegatedServices: [{ ServicePrincipal: 'securityhub.amazonaws.com' }] }],
      },
      (input) => String(input.AccountId),
    ),
  )
  // Accounts without tags answer one empty page; 200000000002 has two tags over two pages.
  org.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string; NextToken?: string }) => {
    if (input.ResourceId !== '200000000002') return { Tags: [] }
    return input.NextToken
      ? { Tags: [{ Key: 'cost-centre', Value: 'cc-7' }] }
      : { Tags: [{ Key: 'owner', Value: 'team-a' }], NextToken: 'tags#1' }
  })
}
