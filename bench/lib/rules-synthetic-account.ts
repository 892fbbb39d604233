/**
 * A synthetic account for the rule benchmark: `users` users in 12 groups, `roles` roles with
 * trust policies of every kind (services with and without source conditions, accounts inside and
 * outside the organization, with and without external ids), 40 customer policies with conditions,
 * policy variables, PassRole and Deny statements, a permissions boundary, a credential report.
 * Deterministic: the same sizes give the same account.
 */
import type {
  AccountState,
  CredentialReportRow,
  IamGroup,
  IamRole,
  IamUser,
  JsonObject,
  ManagedPolicy,
} from '../../src/org/account-state.js'

export const ACCOUNT = '111122223333'
export const NOW = new Date('2026-11-25T06:30:00Z')

/** Deterministic PRNG (mulberry32), so every run measures the same account. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
/** Reset by syntheticAccount so every run measures the same account. */
let random = prng(42)
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString()
const doc = (...Statement: JsonObject[]): JsonObject => ({ Version: '2012-10-17', Statement })
const arn = (type: string, name: string) => `arn:aws:iam::${ACCOUNT}:${type}/${name}`

const POLICY_SHAPES: Array<(i: number) => JsonObject> = [
  (i) =>
    doc({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::app-${i}`, `arn:aws:s3:::app-${i}/*`],
    }),
  (i) =>
    doc(
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t-${i}`,
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
      },
    ),
  () =>
    doc({
      Effect: 'Allow',
      Action: ['iam:ChangePassword', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice'],
      // The escaped placeholder is an IAM policy variable, resolved by the evaluator.
      Resource: [`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:mfa/*`],
    }),
  () =>
    doc({
      Effect: 'Allow',
      Action: ['lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'lambda:InvokeFunction', 'iam:PassRole'],
      Resource: '*',
    }),
  () => doc({ Effect: 'Allow', Action: ['ec2:Describe*', 'cloudwatch:Get*', 'logs:*'], Resource: '*' }),
  () =>
    doc({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/app-*`,
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  () => doc({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:CreateAccessKey'], Resource: '*' }),
  () =>
    doc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    }),
]

function managed(name: string, document: JsonObject, awsManaged = false): ManagedPolicy {
  return {
    arn: awsManaged ? `arn:aws:iam::aws:policy/${name}` : arn('policy', name),
    name,
    id: `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 21),
    path: '/',
    awsManaged,
    attachmentCount: 0,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    defaultVersionId: 'v1',
    document,
    createDate: daysAgo(400),
    updateDate: daysAgo(100),
  }
}

const TRUSTS: Array<(i: number) => JsonObject> = [
  () => doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  () => doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  () =>
    doc({
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    }),
  () =>
    doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole' }),
  (i) =>
    doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::9999888877${String(i % 100).padStart(2, '0')}:root` },
      Action: 'sts:AssumeRole',
      ...(i % 2 === 0 ? { Condition: { StringEquals: { 'sts:ExternalId': `ext-${i}` } } } : {}),
    }),
  () => doc({ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }),
]

function reportRow(user: IamUser, i: number): CredentialReportRow {
  const console = i % 3 !== 0
  const key = (n: 1 | 2, active: boolean) => ({
    n,
    active,
    lastRotated: active ? daysAgo(Math.floor(random() * 300)) : null,
    lastUsedDate: active && random() > 0.1 ? daysAgo(Math.floor(random() * 60)) : null,
    lastUsedRegion: active ? 'eu-west-1' : null,
    lastUsedService: active ? 's3' : null,
  })
  return {
    user: user.name,
    arn: user.arn,
    userCreationTime: user.createDate,
    passwordEnabled: console,
    passwordLastUsed: console ? daysAgo(Math.floor(random() * 90)) : null,
    passwordLastUsedStatus: console ? 'used' : 'not_applicable',
    passwordLastChanged: console ? daysAgo(30) : null,
    passwordNextRotation: null,
    mfaActive: console && random() > 0.1,
    accessKeys: [key(1, !console || random() > 0.7), key(2, random() > 0.9)],
    certs: [
      { n: 1, active: false, lastRotated: null },
      { n: 2, active: false, lastRotated: null },
    ],
  }
}

export function syntheticAccount(roleCount: number, userCount: number): AccountState {
  random = prng(42)
  const policies = Array.from({ length: 40 }, (_, i) =>
    managed(`policy-${i}`, POLICY_SHAPES[i % POLICY_SHAPES.length](i)),
  )
  const admin = managed('AdministratorAccess', doc({ Effect: 'Allow', Action: '*', Resource: '*' }), true)
  const boundary = managed(
    'developer-boundary',
    doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
  )
  const attach = (p: ManagedPolicy) => {
    p.attachmentCount++
    return p.arn
  }
  const groups: IamGroup[] = Array.from({ length: 12 }, (_, i) => ({
    name: `group-${i}`,
    arn: arn('group', `group-${i}`),
    id: `AGPA${i}`,
    path: '/',
    createDate: daysAgo(500),
    inlinePolicies: i % 4 === 0 ? [{ name: 'extra', document: POLICY_SHAPES[i % 8](i) }] : [],
    attachedPolicyArns: i === 0 ? [attach(admin)] : [attach(pick(policies)), attach(pick(policies))],
  }))
  const users: IamUser[] = Array.from({ length: userCount }, (_, i) => ({
    name: `user-${i}`,
    arn: arn('user', `user-${i}`),
    id: `AIDA${i}`,
    path: '/',
    createDate: daysAgo(200 + i),
    groups: [pick(groups).name, ...(i % 3 === 0 ? [pick(groups).name] : [])],
    inlinePolicies: i % 5 === 0 ? [{ name: 'direct', document: POLICY_SHAPES[i % 8](i) }] : [],
    attachedPolicyArns: i % 7 === 0 ? [attach(pick(policies))] : [],
    permissionsBoundaryArn: i % 10 === 0 ? boundary.arn : null,
    tags: { team: `team-${i % 9}` },
    passwordLastUsed: null,
  }))
  boundary.permissionsBoundaryUsageCount = users.filter((u) => u.permissionsBoundaryArn).length
  const roles: IamRole[] = Array.from({ length: roleCount }, (_, i) => ({
    name: i % 4 === 0 ? `app-${i}` : `role-${i}`,
    arn: arn('role', i % 4 === 0 ? `app-${i}` : `role-${i}`),
    id: `AROA${i}`,
    path: '/',
    createDate: daysAgo(100 + (i % 600)),
    trustPolicy: TRUSTS[i % TRUSTS.length](i),
    inlinePolicies: i % 3 === 0 ? [{ name: 'runtime', document: POLICY_SHAPES[(i + 1) % 8](i) }] : [],
    attachedPolicyArns: i % 50 === 0 ? [attach(admin)] : [attach(pick(policies))],
    permissionsBoundaryArn: null,
    tags: {},
    lastUsed: random() > 0.2 ? { date: daysAgo(Math.floor(random() * 200)), region: 'eu-west-1' } : null,
    isServiceLinked: false,
    instanceProfileArns: i % TRUSTS.length === 1 ? [arn('instance-profile', `role-${i}`)] : [],
  }))
  const region = {
    trails: [],
    configRecorders: [
      {
        name: 'default',
        recording: true,
        allSupported: true,
        includeGlobalResourceTypes: true,
        lastStatus: 'Success',
      },
    ],
    accessAnalyzers: [],
  }
  return {
    accountId: ACCOUNT,
    collectedAt: NOW.toISOString(),
    users,
    groups,
    roles,
    managedPolicies: [...policies, admin, boundary],
    credentialReport: users.map(reportRow),
    credentialReportGeneratedAt: NOW.toISOString(),
    root: null,
    rootMfa: 'hardware',
    passwordPolicy: null,
    accountSummary: null,
    virtualMfaDevices: [],
    serverCertificates: [],
    regions: { 'eu-west-1': region, 'eu-central-1': structuredClone(region) },
    gaps: [],
  }
}
