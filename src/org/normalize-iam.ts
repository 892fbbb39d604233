/**
 * GetAccountAuthorizationDetails → users, groups, roles and managed policies. Documents are
 * decoded here once, so rules and the policy engine only ever see parsed JSON.
 */
import type {
  Gap,
  IamGroup,
  IamRole,
  IamUser,
  InlinePolicy,
  ManagedPolicy,
  PolicyDocument,
  RoleLastUsed,
} from './account-state.js'
import { decodePolicyDocument } from './policy-document.js'
import type {
  RawAttachedPolicy,
  RawAuthorizationDetails,
  RawGroupDetail,
  RawManagedPolicyDetail,
  RawPermissionsBoundary,
  RawPolicyDetail,
  RawRoleDetail,
  RawUserDetail,
} from './raw-account-data.js'
import { asArray, bool, numOrNull, str, strOrNull, toIso, toTags } from './raw-values.js'

const GAAD = 'iam:GetAccountAuthorizationDetails'

export interface IamEntities {
  users: IamUser[]
  groups: IamGroup[]
  roles: IamRole[]
  managedPolicies: ManagedPolicy[]
}

export function normalizeAuthorizationDetails(details: RawAuthorizationDetails, gaps: Gap[]): IamEntities {
  const docs = new DocumentReader(gaps)
  if (details.IsTruncated === true) {
    gaps.push({ api: GAAD, reason: 'only the first page was collected (IsTruncated is true)' })
  }
  return {
    users: asArray(details.UserDetailList).map((user) => toUser(user ?? {}, docs)),
    groups: asArray(details.GroupDetailList).map((group) => toGroup(group ?? {}, docs)),
    roles: asArray(details.RoleDetailList).map((role) => toRole(role ?? {}, docs)),
    managedPolicies: asArray(details.Policies).map((policy) => toManagedPolicy(policy ?? {}, docs)),
  }
}

function toUser(user: RawUserDetail, docs: DocumentReader): IamUser {
  const name = str(user.UserName)
  return {
    name,
    arn: str(user.Arn),
    id: str(user.UserId),
    path: str(user.Path, '/'),
    createDate: toIso(user.CreateDate),
    groups: asArray(user.GroupList).filter((group): group is string => typeof group === 'string'),
    inlinePolicies: inlinePolicies(user.UserPolicyList, `user ${name}`, docs),
    attachedPolicyArns: attachedArns(user.AttachedManagedPolicies),
    permissionsBoundaryArn: boundaryArn(user.PermissionsBoundary),
    tags: toTags(user.Tags),
    // Filled in from the credential report by the caller; GAAD does not carry it.
    passwordLastUsed: null,
  }
}

function toGroup(group: RawGroupDetail, docs: DocumentReader): IamGroup {
  const name = str(group.GroupName)
  return {
    name,
    arn: str(group.Arn),
    id: str(group.GroupId),
    path: str(group.Path, '/'),
    createDate: toIso(group.CreateDate),
    inlinePolicies: inlinePolicies(group.GroupPolicyList, `group ${name}`, docs),
    attachedPolicyArns: attachedArns(group.AttachedManagedPolicies),
  }
}

function toRole(role: RawRoleDetail, docs: DocumentReader): IamRole {
  const name = str(role.RoleName)
  const path = str(role.Path, '/')
  return {
    name,
    arn: str(role.Arn),
    id: str(role.RoleId),
    path,
    createDate: toIso(role.CreateDate),
    trustPolicy: docs.read(role.AssumeRolePolicyDocument, `trust policy of role ${name}`),
    inlinePolicies: inlinePolicies(role.RolePolicyList, `role ${name}`, docs),
    attachedPolicyArns: attachedArns(role.AttachedManagedPolicies),
    permissionsBoundaryArn: boundaryArn(role.PermissionsBoundary),
    tags: toTags(role.Tags),
    lastUsed: lastUsed(role.RoleLastUsed),
    isServiceLinked: path.startsWith('/aws-service-role/'),
    instanceProfileArns: asArray(role.InstanceProfileList)
      .map((profile) => str(profile?.Arn))
      .filter((arn) => arn !== ''),
  }
}

function toManagedPolicy(policy: RawManagedPolicyDetail, docs: DocumentReader): ManagedPolicy {
  const arn = str(policy.Arn)
  const defaultVersionId = strOrNull(policy.DefaultVersionId)
  const versions = asArray(policy.PolicyVersionList).filter((version) => version)
  const defaultVersion =
    versions.find((version) => version.IsDefaultVersion === true) ??
    versions.find((version) => defaultVersionId !== null && version.VersionId === defaultVersionId)
  const label = `default version of policy ${arn || str(policy.PolicyName)}`
  return {
    arn,
    name: str(policy.PolicyName),
    id: str(policy.PolicyId),
    path: str(policy.Path, '/'),
    awsManaged: isAwsManagedPolicyArn(arn),
    attachmentCount: numOrNull(policy.AttachmentCount) ?? 0,
    permissionsBoundaryUsageCount: numOrNull(policy.PermissionsBoundaryUsageCount) ?? 0,
    isAttachable: policy.IsAttachable === undefined ? true : bool(policy.IsAttachable),
    defaultVersionId,
    document: defaultVersion ? docs.read(defaultVersion.Document, label) : missingDocument(arn, label, docs),
    createDate: toIso(policy.CreateDate),
    updateDate: toIso(policy.UpdateDate),
  }
}

/**
 * AWS-managed documents are the same in every account, so collectors may leave them out and the
 * policy engine reads them from its catalogue; only a customer policy without one is a gap.
 */
function missingDocument(arn: string, label: string, docs: DocumentReader): null {
  return isAwsManagedPolicyArn(arn) ? null : docs.missing(label)
}

/** AWS-managed policies live in the `aws` account namespace: arn:<partition>:iam::aws:policy/... */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn)
}

function inlinePolicies(
  list: RawPolicyDetail[] | undefined,
  owner: string,
  docs: DocumentReader,
): InlinePolicy[] {
  return asArray(list).map((policy) => {
    const name = str(policy?.PolicyName)
    return { name, document: docs.read(policy?.PolicyDocument, `inline policy ${name} of ${owner}`) }
  })
}

function attachedArns(list: RawAttachedPolicy[] | undefined): string[] {
  return asArray(list)
    .map((policy) => str(policy?.PolicyArn))
    .filter((arn) => arn !== '')
}

function boundaryArn(boundary: RawPermissionsBoundary | undefined): string | null {
  return strOrNull(boundary?.PermissionsBoundaryArn)
}

function lastUsed(raw: RawRoleDetail['RoleLastUsed']): RoleLastUsed | null {
  const date = toIso(raw?.LastUsedDate)
  return date === null ? null : { date, region: strOrNull(raw?.Region) }
}

/** Decodes documents and turns each unreadable one into a gap naming its owner. */
class DocumentReader {
  constructor(private readonly gaps: Gap[]) {}

  read(raw: unknown, label: string): PolicyDocument | null {
    const decoded = decodePolicyDocument(raw)
    if (decoded.ok) return decoded.document
    this.gaps.push({ api: GAAD, reason: `${label}: ${decoded.reason}` })
    return null
  }

  missing(label: string): null {
    this.gaps.push({ api: GAAD, reason: `${label}: not returned` })
    return null
  }
}
