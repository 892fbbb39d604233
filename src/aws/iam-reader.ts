/**
 * Account-wide IAM reads, each returning exactly what the raw bundle stores under the
 * operation's name: the response (pages merged into one), or the AWS error of a refused call.
 */
import {
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
  paginateListServerCertificates,
  paginateListVirtualMFADevices,
} from '@aws-sdk/client-iam'
import type {
  RawAuthorizationDetails,
  RawIam,
  RawOutcome,
  RawServerCertificateMetadata,
  RawVirtualMfaDevice,
} from '../org/raw-account-data.js'
import { call, pages } from './aws-call.js'
import { outcome } from './outcome.js'

export interface IamReaderDeps {
  iam: IAMClient
  signal?: AbortSignal | undefined
}

/** IAM's largest page. */
const MAX_ITEMS = 1000
const truncated = (page: { IsTruncated?: boolean | undefined }) => page.IsTruncated === true

/**
 * Users, groups, roles and customer-managed policies. AWS-managed policies are left out with the
 * Filter: their documents are identical in every account and large (GAAD returns every version),
 * so they come once per sweep from the managed-policy catalog instead.
 */
export function readAuthorizationDetails({
  iam,
  signal,
}: IamReaderDeps): Promise<RawOutcome<RawAuthorizationDetails>> {
  return outcome('iam:GetAccountAuthorizationDetails', async () => {
    const all = await pages(
      'iam:GetAccountAuthorizationDetails',
      (o) =>
        paginateGetAccountAuthorizationDetails(
          { client: iam, pageSize: MAX_ITEMS },
          { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] },
          o,
        ),
      { signal, more: truncated },
    )
    const merged: RawAuthorizationDetails = {
      UserDetailList: all.flatMap((page) => page.UserDetailList ?? []),
      GroupDetailList: all.flatMap((page) => page.GroupDetailList ?? []),
      RoleDetailList: all.flatMap((page) => page.RoleDetailList ?? []),
      Policies: all.flatMap((page) => page.Policies ?? []),
      IsTruncated: false,
    }
    return merged
  })
}

/** NoSuchEntity is stored like any error; the normalizer reads it as "no password policy". */
export function readPasswordPolicy({
  iam,
  signal,
}: IamReaderDeps): Promise<RawIam['GetAccountPasswordPolicy']> {
  return outcome('iam:GetAccountPasswordPolicy', async () => {
    const out = await call(
      'iam:GetAccountPasswordPolicy',
      (o) => iam.send(new GetAccountPasswordPolicyCommand({}), o),
      {
        signal,
      },
    )
    return out.PasswordPolicy ? { PasswordPolicy: out.PasswordPolicy } : {}
  })
}

export function readAccountSummary({ iam, signal }: IamReaderDeps): Promise<RawIam['GetAccountSummary']> {
  return outcome('iam:GetAccountSummary', async () => {
    const out = await call('iam:GetAccountSummary', (o) => iam.send(new GetAccountSummaryCommand({}), o), {
      signal,
    })
    const summary: Record<string, number> = {}
    for (const [key, value] of Object.entries(out.SummaryMap ?? {}))
      if (typeof value === 'number') summary[key] = value
    return { SummaryMap: summary }
  })
}

/** Every virtual device, assigned or not: the root user's one tells virtual from hardware MFA. */
export function readVirtualMfaDevices({
  iam,
  signal,
}: IamReaderDeps): Promise<RawIam['ListVirtualMFADevices']> {
  return outcome('iam:ListVirtualMFADevices', async () => {
    const all = await pages(
      'iam:ListVirtualMFADevices',
      (o) =>
        paginateListVirtualMFADevices({ client: iam, pageSize: MAX_ITEMS }, { AssignmentStatus: 'Any' }, o),
      { signal, more: truncated },
    )
    const devices: RawVirtualMfaDevice[] = all.flatMap((page) => page.VirtualMFADevices ?? [])
    return { VirtualMFADevices: devices }
  })
}

export function readServerCertificates({
  iam,
  signal,
}: IamReaderDeps): Promise<RawIam['ListServerCertificates']> {
  return outcome('iam:ListServerCertificates', async () => {
    const all = await pages(
      'iam:ListServerCertificates',
      (o) => paginateListServerCertificates({ client: iam, pageSize: MAX_ITEMS }, {}, o),
      { signal, more: truncated },
    )
    const list: RawServerCertificateMetadata[] = all.flatMap(
      (page) => page.ServerCertificateMetadataList ?? [],
    )
    return { ServerCertificateMetadataList: list }
  })
}
