/**
 * One account's IAM content, generated on demand from (seed, account) and rendered straight to
 * the awsQuery XML IAM answers with. Roles and customer policies (the bulk of
 * GetAccountAuthorizationDetails) are rendered once per (index, variant) with a placeholder for
 * the account id and reused by every account; users, dates of last use and the planted
 * misconfigurations are per account.
 */
import { accountIdOf, type SimAccount, type SimOrganization } from './organization.js'
import { type Rng, rng } from './random.js'
import { el, esc, iso, members, raw } from './xml.js'

const DAY = 86_400_000
export const ACCOUNT_PLACEHOLDER = 'XACCOUNTIDX'
const A = ACCOUNT_PLACEHOLDER

/** What is wrong (or right) in an account; every flag is a finding Orgwarden should raise. */
export interface AccountProfile {
  rootAccessKey: boolean
  rootMfa: 'hardware' | 'virtual' | 'none'
  passwordPolicy: 'strong' | 'weak' | 'none'
  /** A customer policy allowing `*` on `*`, attached to a workload role. */
  adminPolicy: boolean
  /** A role whose trust policy lets any AWS principal assume it. */
  roleTrustsAny: boolean
  /** A customer policy allowing iam:PassRole with lambda:CreateFunction and InvokeFunction. */
  escalationPolicy: boolean
  /** The cross-account roles trust their partner without sts:ExternalId. */
  crossAccountWithoutExternalId: boolean
  /** The organization trail is visible (false: no trail at all). */
  trail: boolean
  configRecorder: 'on' | 'off' | 'none'
  /** Access Analyzer in every region (false: only in the home region). */
  analyzerEverywhere: boolean
  expiredCertificate: boolean
  /** AWSCloudShellFullAccess attached to the developers group. */
  cloudShell: boolean
  /** A role with AWSSupportAccess exists. */
  supportRole: boolean
}

export type ProfileOverrides = Record<string, Partial<AccountProfile>>

export function accountProfile(
  org: SimOrganization,
  account: SimAccount,
  overrides?: ProfileOverrides,
): AccountProfile {
  const m = org.options.misconfig
  const r = rng(org.options.seed, `profile|${account.id}`)
  const profile: AccountProfile = {
    rootAccessKey: r.chance(m / 3),
    rootMfa: r.chance(m) ? 'none' : r.chance(0.5) ? 'hardware' : 'virtual',
    passwordPolicy: r.chance(m) ? 'none' : r.chance(m) ? 'weak' : 'strong',
    adminPolicy: r.chance(m),
    roleTrustsAny: r.chance(m / 2),
    crossAccountWithoutExternalId: r.chance(m),
    escalationPolicy: r.chance(m / 2),
    trail: !r.chance(m / 2),
    configRecorder: r.chance(m / 2) ? 'none' : r.chance(m / 2) ? 'off' : 'on',
    analyzerEverywhere: !r.chance(m),
    expiredCertificate: r.chance(m),
    cloudShell: r.chance(m / 2),
    supportRole: !r.chance(m),
  }
  return { ...profile, ...overrides?.[account.id] }
}

// --- AWS-managed policies the accounts use (their documents come from the catalog calls) ---

export interface ManagedPolicy {
  name: string
  path: string
  version: string
  document: string
}

const json = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
const READ_SERVICES = [
  'acm',
  'apigateway',
  'application-autoscaling',
  'athena',
  'autoscaling',
  'backup',
  'batch',
  'cloudformation',
  'cloudfront',
  'cloudtrail',
  'cloudwatch',
  'codebuild',
  'codecommit',
  'codepipeline',
  'cognito-idp',
  'config',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'eks',
  'elasticache',
  'elasticloadbalancing',
  'es',
  'events',
  'firehose',
  'glue',
  'guardduty',
  'iam',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  'organizations',
  'rds',
  'redshift',
  'route53',
  's3',
  'secretsmanager',
  'securityhub',
  'sns',
  'sqs',
  'ssm',
  'states',
  'sts',
  'tag',
  'waf',
  'xray',
]

export const MANAGED_POLICIES: Record<string, ManagedPolicy> = {
  AdministratorAccess: {
    name: 'AdministratorAccess',
    path: '/',
    version: 'v1',
    document: json([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  },
  PowerUserAccess: {
    name: 'PowerUserAccess',
    path: '/',
    version: 'v5',
    document: json([
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'account:GetAccountInformation',
          'account:ListRegions',
          'iam:CreateServiceLinkedRole',
          'iam:DeleteServiceLinkedRole',
          'iam:ListRoles',
          'organizations:DescribeOrganization',
        ],
        Resource: '*',
      },
    ]),
  },
  ReadOnlyAccess: {
    name: 'ReadOnlyAccess',
    path: '/',
    version: 'v117',
    document: json([
      {
        Sid: 'ReadOnlyActions',
        Effect: 'Allow',
        Action: READ_SERVICES.flatMap((s) => [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`]),
        Resource: '*',
      },
    ]),
  },
  SecurityAudit: {
    name: 'SecurityAudit',
    path: '/',
    version: 'v42',
    document: json([
      {
        Effect: 'Allow',
        Action: READ_SERVICES.flatMap((s) => [`${s}:Describe*`, `${s}:List*`]),
        Resource: '*',
      },
    ]),
  },
  AWSSupportAccess: {
    name: 'AWSSupportAccess',
    path: '/',
    version: 'v2',
    document: json([{ Effect: 'Allow', Action: ['support:*'], Resource: '*' }]),
  },
  AWSCloudShellFullAccess: {
    name: 'AWSCloudShellFullAccess',
    path: '/',
    version: 'v1',
    document: json([{ Effect: 'Allow', Action: ['cloudshell:*'], Resource: '*' }]),
  },
  AWSLambdaBasicExecutionRole: {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    version: 'v1',
    document: json([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ]),
  },
  AmazonSSMManagedInstanceCore: {
    name: 'AmazonSSMManagedInstanceCore',
    path: '/',
    version: 'v3',
    document: json([
      {
        Effect: 'Allow',
        Action: [
          'ssm:DescribeAssociation',
          'ssm:GetDocument',
          'ssm:ListAssociations',
          'ssm:UpdateInstanceInformation',
          'ssmmessages:*',
          'ec2messages:*',
        ],
        Resource: '*',
      },
    ]),
  },
  AWSSupportServiceRolePolicy: {
    name: 'AWSSupportServiceRolePolicy',
    path: '/aws-service-role/',
    version: 'v30',
    document: json([
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'ec2:Describe*', 's3:GetBucket*'], Resource: '*' },
    ]),
  },
  AWSTrustedAdvisorServiceRolePolicy: {
    name: 'AWSTrustedAdvisorServiceRolePolicy',
    path: '/aws-service-role/',
    version: 'v12',
    document: json([
      {
        Effect: 'Allow',
        Action: [
          'cloudtrail:Describe*',
          'ec2:Describe*',
          'iam:GenerateCredentialReport',
          'iam:Get*',
          'iam:List*',
        ],
        Resource: '*',
      },
    ]),
  },
}

export function managedArn(name: string): string {
  const p = MANAGED_POLICIES[name]
  return `arn:aws:iam::aws:policy${p?.path ?? '/'}${name}`
}

// --- rendering helpers ---

const enc = (document: string) => esc(encodeURIComponent(document))
const attached = (names: string[]) =>
  members(
    'AttachedManagedPolicies',
    names.map(
      (n) =>
        el('PolicyName', n.startsWith('arn:') ? n.slice(n.lastIndexOf('/') + 1) : n) +
        el('PolicyArn', n.startsWith('arn:') ? n : managedArn(n)),
    ),
  )
const inline = (list: Array<[string, string]>) =>
  members(
    'RolePolicyList',
    list.map(([name, d]) => el('PolicyName', name) + raw('PolicyDocument', enc(d))),
  )
const customerArn = (name: string) => `arn:aws:iam::${A}:policy/${name}`

// --- customer-managed policies ---

/** An IAM policy variable, resolved by IAM at request time (not a template placeholder). */
const POLICY_VARIABLE_TENANT = '$' + '{aws:PrincipalTag/tenant}'

const TEMPLATES: Array<(j: number) => unknown[]> = [
  (j) => [
    {
      Sid: 'ReadWriteBucket',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [`arn:aws:s3:::app-${j}-data/*`],
    },
    {
      Sid: 'ListBucket',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::app-${j}-data`,
      Condition: { StringLike: { 's3:prefix': ['in/*', 'out/*'] } },
    },
  ],
  (j) => [
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:BatchGetItem',
      ],
      Resource: [
        `arn:aws:dynamodb:*:${A}:table/orders-${j}`,
        `arn:aws:dynamodb:*:${A}:table/orders-${j}/index/*`,
      ],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [POLICY_VARIABLE_TENANT] } },
    },
  ],
  (j) => [
    {
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: `arn:aws:sqs:*:${A}:jobs-${j}*`,
    },
    { Effect: 'Allow', Action: 'sns:Publish', Resource: `arn:aws:sns:*:${A}:events-${j}` },
  ],
  (j) => [
    {
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: `arn:aws:kms:*:${A}:key/app-${j}-*`,
      Condition: {
        StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sqs.us-east-1.amazonaws.com'] },
      },
    },
  ],
  (j) => [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:*:${A}:log-group:/app/${j}:*`,
    },
    {
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': `App${j}` } },
    },
  ],
  (j) => [
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:aws:secretsmanager:*:${A}:secret:app-${j}/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/app': `app-${j}` } },
    },
  ],
]

/** Variants a customer policy can take; misconfigured ones replace the template's statements. */
type PolicyVariant = 'normal' | 'admin' | 'service-wildcard' | 'escalation'

function policyName(j: number): string {
  return j === 0 ? 'workload-boundary' : `app-policy-${String(j).padStart(3, '0')}`
}

function policyStatements(j: number, variant: PolicyVariant): unknown[] {
  if (j === 0)
    return [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }]
  if (variant === 'admin') return [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }]
  if (variant === 'service-wildcard') return [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]
  if (variant === 'escalation')
    return [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
        Resource: '*',
      },
    ]
  return TEMPLATES[j % TEMPLATES.length](j)
}

// --- the account ---

export interface SimUser {
  name: string
  created: number
  console: boolean
  passwordLastUsed: number | null
  mfa: boolean
  keys: Array<{ rotated: number; lastUsed: number | null }>
  groups: string[]
  directPolicy: boolean
}

export type EntityKind = 'User' | 'Group' | 'Role' | 'LocalManagedPolicy'
export interface AuthorizationEntity {
  kind: EntityKind
  xml: string
}

export class AccountGenerator {
  /**
   * Rendered XML shared by every account, split at the account id placeholder: an account's copy
   * is `parts.join(accountId)`, one copy instead of a search and replace over ~500 KB.
   */
  private readonly fragments = new Map<string, string[]>()

  private readonly overrides: ProfileOverrides

  constructor(
    readonly org: SimOrganization,
    readonly now: number,
    overrides: ProfileOverrides = {},
  ) {
    this.overrides = { ...overrides }
  }

  /** Plants a profile in an account (before it is collected). */
  plant(accountId: string, profile: Partial<AccountProfile>): void {
    this.overrides[accountId] = { ...this.overrides[accountId], ...profile }
  }

  profile(account: SimAccount): AccountProfile {
    return accountProfile(this.org, account, this.overrides)
  }

  users(account: SimAccount): SimUser[] {
    const m = this.org.options.misconfig
    const r = rng(this.org.options.seed, `users|${account.id}`)
    const out: SimUser[] = []
    for (let i = 0; i < this.org.options.users; i++) {
      const console = r.chance(0.5)
      const keyCount = r.chance(0.4) ? 0 : r.chance(m) ? 2 : 1
      const keys = Array.from({ length: keyCount }, () => {
        const rotated = this.now - (r.chance(m) ? r.int(100, 800) : r.int(1, 80)) * DAY
        return { rotated, lastUsed: r.chance(m / 2) ? null : this.now - r.int(0, 10) * DAY }
      })
      out.push({
        name: `user-${String(i).padStart(3, '0')}`,
        created: this.now - r.int(200, 1500) * DAY,
        console,
        passwordLastUsed: console
          ? r.chance(m)
            ? this.now - r.int(60, 400) * DAY
            : this.now - r.int(0, 20) * DAY
          : null,
        mfa: console ? !r.chance(m) : r.chance(0.2),
        keys,
        groups:
          i === 0
            ? ['admins']
            : r.chance(0.15)
              ? ['readonly']
              : r.chance(0.8)
                ? ['developers']
                : ['developers', 'ops'],
        directPolicy: r.chance(m),
      })
    }
    return out
  }

  /** Every entity of GetAccountAuthorizationDetails, as XML members, in the order IAM pages them. */
  authorizationEntities(account: SimAccount): AuthorizationEntity[] {
    const profile = this.profile(account)
    const users = this.users(account)
    const { roles: R, policies: P } = this.org.options
    const r = rng(this.org.options.seed, `roles|${account.id}`)
    const entities: string[] = []
    const attachments = new Map<number, number>()
    const attach = (j: number) => attachments.set(j, (attachments.get(j) ?? 0) + 1)

    for (const user of users) {
      const policies = user.directPolicy ? ['ReadOnlyAccess'] : []
      entities.push(
        `<member>${el('Path', '/')}${el('UserName', user.name)}${el('UserId', `AIDA${account.id}${user.name.slice(-3)}`)}` +
          `${el('Arn', `arn:aws:iam::${account.id}:user/${user.name}`)}${el('CreateDate', iso(user.created))}` +
          `${members('GroupList', user.groups.map(esc))}${attached(policies)}` +
          `${members('Tags', [el('Key', 'team') + el('Value', user.groups[0])])}</member>`,
      )
    }
    const groups: Array<[string, string[]]> = [
      ['admins', ['AdministratorAccess']],
      [
        'developers',
        profile.cloudShell ? ['PowerUserAccess', 'AWSCloudShellFullAccess'] : ['PowerUserAccess'],
      ],
      ['readonly', ['ReadOnlyAccess']],
      ['ops', P > 1 ? [customerArn(policyName(1))] : []],
    ]
    if (P > 1) attach(1)
    const groupXml = groups.map(
      ([name, policies], g) =>
        `<member>${el('Path', '/')}${el('GroupName', name)}${el('GroupId', `AGPA${account.id}G${g}`)}` +
        `${el('Arn', `arn:aws:iam::${account.id}:group/${name}`)}${el('CreateDate', iso(Date.UTC(2021, 0, 1)))}` +
        `${members('GroupPolicyList', [])}${attached(policies)}</member>`,
    )

    const roleXml: string[] = []
    for (let i = 0; i < R; i++) {
      const { parts, customer } = this.role(i, profile)
      for (const j of customer) attach(j)
      const lastUsed = r.chance(0.12)
        ? ''
        : el(
            'LastUsedDate',
            iso(this.now - (r.chance(0.1) ? r.int(100, 500) : r.int(0, 30)) * DAY - r.int(0, 86_000) * 1000),
          ) + el('Region', 'us-east-1')
      roleXml.push(`${parts.join(account.id)}${raw('RoleLastUsed', lastUsed)}</member>`)
    }
    const policyXml: string[] = []
    for (let j = 0; j < P; j++)
      policyXml.push(
        this.policy(
          j,
          this.policyVariant(j, profile),
          attachments.get(j) ?? 0,
          j === 0 ? Math.ceil(R / 5) : 0,
          account.id,
        ),
      )
    const tag = (kind: EntityKind, list: string[]): AuthorizationEntity[] =>
      list.map((xml) => ({ kind, xml }))
    return [
      ...tag('User', entities),
      // Users name the account directly; the four groups through customerArn's placeholder.
      ...tag(
        'Group',
        groupXml.map((xml) => xml.replaceAll(A, account.id)),
      ),
      ...tag('Role', roleXml),
      ...tag('LocalManagedPolicy', policyXml),
    ]
  }

  policyVariant(j: number, profile: AccountProfile): PolicyVariant {
    if (j === 1 && profile.adminPolicy) return 'admin'
    if (j === 2 && profile.adminPolicy) return 'service-wildcard'
    if (j === 3 && profile.escalationPolicy) return 'escalation'
    return 'normal'
  }

  /** A role's XML up to (not including) RoleLastUsed and the closing tag, and the customer policies it attaches. */
  private role(i: number, profile: AccountProfile): { parts: string[]; customer: number[] } {
    const R = this.org.options.roles
    const P = this.org.options.policies
    const mgmt = this.org.managementAccountId
    const audit = this.org.options.auditRoleName
    const trustAny = profile.roleTrustsAny && i === R - 1 && i >= 8
    let kind: string
    if (trustAny) kind = 'trust-any'
    else if (i === 0) kind = 'audit'
    else if (i === 1) kind = 'org-access'
    else if (i === 2) kind = profile.supportRole ? 'support' : 'support-missing'
    else if (i < 6) kind = 'sso'
    else if (i < 8) kind = 'service-linked'
    else
      kind = ['lambda', 'ecs', 'ec2', profile.crossAccountWithoutExternalId ? 'cross-noext' : 'cross'][i % 4]
    const customer = P > 1 && i >= 8 ? [1 + (i % (P - 1))] : []
    if (P > 1 && i >= 8 && i % 5 === 0) customer.push(0)
    const key = `role|${i}|${kind}`
    let parts = this.fragments.get(key)
    if (!parts) {
      parts = this.renderRole(i, kind, customer, mgmt, audit).split(A)
      this.fragments.set(key, parts)
    }
    return { parts, customer: customer.filter((j) => j !== 0) }
  }

  private renderRole(i: number, kind: string, customer: number[], mgmt: string, audit: string): string {
    const r: Rng = rng(this.org.options.seed, `role|${i}`)
    const svc = (service: string, condition = true) =>
      json([
        {
          Effect: 'Allow',
          Principal: { Service: service },
          Action: 'sts:AssumeRole',
          ...(condition ? { Condition: { StringEquals: { 'aws:SourceAccount': A } } } : {}),
        },
      ])
    let name = `workload-${kind}-${String(i).padStart(3, '0')}`
    let path = '/'
    let trust: string
    let managed: string[] = []
    let inlines: Array<[string, string]> = []
    let boundary: string | undefined
    let profileXml = ''
    switch (kind) {
      case 'audit':
        name = audit
        trust = json([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${mgmt}:root` }, Action: 'sts:AssumeRole' },
        ])
        managed = ['SecurityAudit']
        break
      case 'org-access':
        name = 'OrganizationAccountAccessRole'
        trust = json([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${mgmt}:root` }, Action: 'sts:AssumeRole' },
        ])
        managed = ['AdministratorAccess']
        break
      case 'support':
      case 'support-missing':
        name = 'AWSSupport-Access'
        trust = json([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' },
        ])
        managed = [kind === 'support' ? 'AWSSupportAccess' : 'ReadOnlyAccess']
        break
      case 'sso': {
        const set = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess'][i % 3]
        name = `AWSReservedSSO_${set}_${(0x1f2e3d4c + i * 7).toString(16)}`
        path = '/aws-reserved/sso.amazonaws.com/'
        trust = json([
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${A}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
            Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
            Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
          },
        ])
        managed = [set]
        break
      }
      case 'service-linked': {
        const [svcName, policy] =
          i % 2 === 0
            ? ['support', 'AWSSupportServiceRolePolicy']
            : ['trustedadvisor', 'AWSTrustedAdvisorServiceRolePolicy']
        name = `AWSServiceRoleFor${svcName === 'support' ? 'Support' : 'TrustedAdvisor'}`
        path = `/aws-service-role/${svcName}.amazonaws.com/`
        trust = svc(`${svcName}.amazonaws.com`, false)
        managed = [policy]
        break
      }
      case 'lambda':
        trust = svc('lambda.amazonaws.com')
        managed = ['AWSLambdaBasicExecutionRole']
        break
      case 'ecs':
        trust = svc('ecs-tasks.amazonaws.com')
        break
      case 'ec2':
        trust = svc('ec2.amazonaws.com', r.chance(0.3))
        managed = ['AmazonSSMManagedInstanceCore']
        profileXml = members('InstanceProfileList', [
          el('Path', '/') +
            el('InstanceProfileName', name) +
            el('InstanceProfileId', `AIPA${i}SIM`) +
            el('Arn', `arn:aws:iam::${A}:instance-profile/${name}`) +
            el('CreateDate', iso(Date.UTC(2022, 0, 1))) +
            members('Roles', []),
        ])
        break
      case 'cross':
      case 'cross-noext': {
        // Half the partners are accounts of the organization, half are vendors outside it.
        const inOrg = i % 8 < 4
        const partner = inOrg
          ? accountIdOf((i * 13) % this.org.accounts.length)
          : `2${String(100_000_000 + (i % 50)).padStart(11, '0')}`
        trust = json([
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${partner}:root` },
            Action: 'sts:AssumeRole',
            ...(kind === 'cross'
              ? { Condition: { StringEquals: { 'sts:ExternalId': `ext-${i}-${partner.slice(-4)}` } } }
              : {}),
          },
        ])
        break
      }
      default:
        trust = json([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }])
        name = 'legacy-vendor-access'
    }
    if (i >= 8 && i % 2 === 0)
      inlines = [
        [
          `inline-${i}`,
          json([
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::shared-config-${i % 7}/*` },
          ]),
        ],
      ]
    if (customer.includes(0)) boundary = customerArn(policyName(0))
    const attachedArns = [
      ...managed,
      ...customer.filter((j) => j !== 0 || !boundary).map((j) => customerArn(policyName(j))),
    ]
    return (
      `<member>${el('Path', path)}${el('RoleName', name)}${el('RoleId', `AROA${String(i).padStart(6, '0')}SIMROLE`)}` +
      `${el('Arn', `arn:aws:iam::${A}:role${path}${name}`)}${el('CreateDate', iso(Date.UTC(2020, 0, 1) + i * DAY))}` +
      `${raw('AssumeRolePolicyDocument', enc(trust))}${profileXml || members('InstanceProfileList', [])}` +
      `${inline(inlines)}${attached(attachedArns)}` +
      (boundary
        ? raw(
            'PermissionsBoundary',
            el('PermissionsBoundaryType', 'Policy') + el('PermissionsBoundaryArn', boundary),
          )
        : '') +
      members('Tags', [el('Key', 'owner') + el('Value', `team-${i % 9}`)])
    )
  }

  private policy(
    j: number,
    variant: PolicyVariant,
    attachmentCount: number,
    boundaryCount: number,
    accountId: string,
  ): string {
    const key = `policy|${j}|${variant}`
    let parts = this.fragments.get(key)
    if (!parts) {
      const versions = (j % 3) + 1
      const list: string[] = []
      for (let v = versions; v >= 1; v--) {
        const statements = policyStatements(j, variant)
        const document =
          v === versions
            ? json(statements)
            : json([
                ...statements,
                { Sid: `Old${v}`, Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
              ])
        list.push(
          raw('Document', enc(document)) +
            el('VersionId', `v${v}`) +
            el('IsDefaultVersion', v === versions) +
            el('CreateDate', iso(Date.UTC(2022, v, 1))),
        )
      }
      const name = policyName(j)
      parts = (
        `${el('PolicyName', name)}${el('PolicyId', `ANPA${String(j).padStart(6, '0')}SIMPOL`)}${el('Arn', customerArn(name))}` +
        `${el('Path', '/')}${el('DefaultVersionId', `v${versions}`)}${el('IsAttachable', true)}` +
        `${el('CreateDate', iso(Date.UTC(2022, 1, 1)))}${el('UpdateDate', iso(Date.UTC(2022, versions, 1)))}${members('PolicyVersionList', list)}`
      ).split(A)
      this.fragments.set(key, parts)
    }
    return `<member>${parts.join(accountId)}${el('AttachmentCount', attachmentCount)}${el('PermissionsBoundaryUsageCount', boundaryCount)}</member>`
  }

  credentialReport(account: SimAccount): string {
    const profile = this.profile(account)
    const t = (ms: number | null | undefined) =>
      ms == null ? 'N/A' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
    const rows = [
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
      [
        '<root_account>',
        `arn:aws:iam::${account.id}:root`,
        t(account.joinedAt),
        'not_supported',
        t(this.now - 200 * DAY),
        'not_supported',
        'not_supported',
        String(profile.rootMfa !== 'none'),
        String(profile.rootAccessKey),
        profile.rootAccessKey ? t(this.now - 400 * DAY) : 'N/A',
        profile.rootAccessKey ? t(this.now - 30 * DAY) : 'N/A',
        profile.rootAccessKey ? 'us-east-1' : 'N/A',
        profile.rootAccessKey ? 's3' : 'N/A',
        'false',
        'N/A',
        'N/A',
        'N/A',
        'N/A',
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    ]
    for (const u of this.users(account)) {
      const key = (k: SimUser['keys'][number] | undefined) =>
        k
          ? ['true', t(k.rotated), t(k.lastUsed), k.lastUsed ? 'us-east-1' : 'N/A', k.lastUsed ? 's3' : 'N/A']
          : ['false', 'N/A', 'N/A', 'N/A', 'N/A']
      rows.push(
        [
          u.name,
          `arn:aws:iam::${account.id}:user/${u.name}`,
          t(u.created),
          String(u.console),
          u.console ? (u.passwordLastUsed ? t(u.passwordLastUsed) : 'no_information') : 'N/A',
          u.console ? t(u.created + DAY) : 'N/A',
          'N/A',
          String(u.mfa),
          ...key(u.keys[0]),
          ...key(u.keys[1]),
          'false',
          'N/A',
          'false',
          'N/A',
        ].join(','),
      )
    }
    return `${rows.join('\n')}\n`
  }
}
