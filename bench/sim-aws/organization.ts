/**
 * The synthetic organization: a root, an OU tree of configurable depth, N accounts spread over
 * it, and the SCPs and RCPs a platform team really attaches (AWS's FullAWSAccess everywhere, an
 * allow-list on the sandbox OU instead of it, a region deny, deny-leave, CloudTrail/Config
 * protection, a root-user deny), at the root, OU and account levels.
 *
 * Only the tree and the policies are held in memory (a few hundred bytes per account); each
 * account's IAM content is generated on demand (account.ts).
 */
import { AWS_EXAMPLE_REGION_DENY_NOT_ACTION } from '../../test/fixtures/aws-published-scps.js'
import { rng } from './random.js'

export interface SimOptions {
  seed: number
  accounts: number
  /** OU levels below the root (1–5). */
  ouDepth: number
  /** Child OUs per OU below the top level. */
  ouBranching: number
  users: number
  roles: number
  policies: number
  /** Share of accounts carrying each kind of misconfiguration (0–1). */
  misconfig: number
  /** Share of member accounts that are SUSPENDED (not collected). */
  suspended: number
  /** Member accounts whose audit role is missing (AssumeRole is refused). */
  missingRole: number
  /** Regions where accounts have CloudTrail/Config/Access Analyzer resources. */
  regions: string[]
  auditRoleName: string
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  seed: 1,
  accounts: 10,
  ouDepth: 3,
  ouBranching: 2,
  users: 5,
  roles: 10,
  policies: 5,
  misconfig: 0.1,
  suspended: 0.01,
  missingRole: 0,
  regions: ['us-east-1', 'eu-west-1'],
  auditRoleName: 'OrgwardenAudit',
}

export interface SimAccount {
  id: string
  index: number
  name: string
  email: string
  parentId: string
  state: 'ACTIVE' | 'SUSPENDED'
  joinedAt: number
  roleMissing: boolean
}

export interface SimUnit {
  id: string
  name: string
  parentId: string
  depth: number
}

export interface SimOrgPolicy {
  id: string
  name: string
  description: string
  type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'
  awsManaged: boolean
  content: string
  targets: string[]
}

export interface SimOrganization {
  options: SimOptions
  id: string
  arn: string
  managementAccountId: string
  rootId: string
  units: SimUnit[]
  accounts: SimAccount[]
  accountById: Map<string, SimAccount>
  /** Children of each parent (root or OU), in order. */
  unitsByParent: Map<string, SimUnit[]>
  accountsByParent: Map<string, SimAccount[]>
  policies: SimOrgPolicy[]
  policyById: Map<string, SimOrgPolicy>
}

const TOP_OUS = ['Security', 'Infrastructure', 'Workloads', 'Sandbox', 'Policy-Staging']
const CHILD_NAMES = ['Prod', 'NonProd', 'Shared', 'Data', 'Edge', 'Legacy']

export function accountIdOf(index: number): string {
  return String(100_000_000_000 + index * 7919)
}

export function buildOrganization(options: SimOptions): SimOrganization {
  const seed = options.seed
  const id = `o-sim${seed.toString(36).padStart(6, '0')}`.slice(0, 12)
  const management = accountIdOf(0)
  const arn = `arn:aws:organizations::${management}:organization/${id}`
  const rootId = `r-${seed.toString(36).padStart(4, '0').slice(0, 4)}`
  const units: SimUnit[] = []
  const unitsByParent = new Map<string, SimUnit[]>()
  const addUnit = (name: string, parentId: string, depth: number) => {
    const unit = {
      id: `ou-${rootId.slice(2)}-${(units.length + 1).toString(36).padStart(8, '0')}`,
      name,
      parentId,
      depth,
    }
    units.push(unit)
    const list = unitsByParent.get(parentId) ?? []
    list.push(unit)
    unitsByParent.set(parentId, list)
    return unit
  }
  const depth = Math.max(1, Math.min(5, options.ouDepth))
  let level = TOP_OUS.map((name) => addUnit(name, rootId, 1))
  const top = new Map(level.map((u) => [u.name, u]))
  for (let d = 2; d <= depth; d++) {
    const next: SimUnit[] = []
    for (const parent of level) {
      if (parent.name === 'Policy-Staging' || parent.name === 'Sandbox') continue
      for (let c = 0; c < options.ouBranching; c++)
        next.push(
          addUnit(
            `${parent.name}-${CHILD_NAMES[c % CHILD_NAMES.length]}${c >= CHILD_NAMES.length ? c : ''}`,
            parent.id,
            d,
          ),
        )
    }
    level = next
  }

  // Accounts: the management account at the root, the others spread over the OUs with most of
  // them in the deepest workload OUs, as organizations grow.
  const leaves = units.filter((u) => !unitsByParent.has(u.id))
  const r = rng(seed, 'accounts')
  const accounts: SimAccount[] = []
  const accountsByParent = new Map<string, SimAccount[]>()
  const missing = new Set<number>()
  const members = Math.max(0, options.accounts - 1)
  const wantMissing = Math.min(members, Math.max(0, Math.round(options.missingRole)))
  for (let k = 0; missing.size < wantMissing; k++) missing.add(1 + ((k * 37 + 5) % members))
  for (let i = 0; i < options.accounts; i++) {
    const accountId = accountIdOf(i)
    let parentId: string
    if (i === 0) parentId = rootId
    else if (r.chance(0.7)) parentId = leaves[i % leaves.length].id
    else parentId = units[i % units.length].id
    const suspended = i > 0 && !missing.has(i) && r.chance(options.suspended)
    const account: SimAccount = {
      id: accountId,
      index: i,
      name: i === 0 ? 'management' : `acct-${String(i).padStart(5, '0')}`,
      email: `aws+${i}@example.com`,
      parentId,
      state: suspended ? 'SUSPENDED' : 'ACTIVE',
      joinedAt: Date.UTC(2019, 0, 1) + i * 3_600_000,
      roleMissing: missing.has(i),
    }
    accounts.push(account)
    const list = accountsByParent.get(parentId) ?? []
    list.push(account)
    accountsByParent.set(parentId, list)
  }

  const policies = orgPolicies(options, rootId, units, accounts, top)
  return {
    options,
    id,
    arn,
    managementAccountId: management,
    rootId,
    units,
    accounts,
    accountById: new Map(accounts.map((a) => [a.id, a])),
    unitsByParent,
    accountsByParent,
    policies,
    policyById: new Map(policies.map((p) => [p.id, p])),
  }
}

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })

function orgPolicies(
  options: SimOptions,
  rootId: string,
  units: SimUnit[],
  accounts: SimAccount[],
  top: Map<string, SimUnit>,
): SimOrgPolicy[] {
  const sandbox = top.get('Sandbox')!
  const workloads = top.get('Workloads')!
  const security = top.get('Security')!
  const members = accounts.filter((a) => a.index > 0)
  const policies: SimOrgPolicy[] = []
  const add = (p: Omit<SimOrgPolicy, 'id'> & { id?: string }) =>
    policies.push({ ...p, id: p.id ?? `p-${(policies.length + 1).toString(36).padStart(8, '0')}` })

  // FullAWSAccess on every node except the sandbox OU (and what is under it), which gets an
  // allow-list instead: removing FullAWSAccess there is what makes the allow-list bite.
  const underSandbox = (id: string) => id === sandbox.id
  add({
    id: 'p-FullAWSAccess',
    name: 'FullAWSAccess',
    description: 'Allows access to every operation',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: true,
    content: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    targets: [
      rootId,
      ...units.filter((u) => !underSandbox(u.id)).map((u) => u.id),
      ...accounts.map((a) => a.id),
    ],
  })
  add({
    name: 'sandbox-allow-list',
    description: 'Sandbox accounts may use these services only',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Sid: 'AllowListedServices',
        Effect: 'Allow',
        Action: [
          'ec2:*',
          's3:*',
          'lambda:*',
          'dynamodb:*',
          'cloudwatch:*',
          'logs:*',
          'iam:*',
          'sts:*',
          'kms:*',
          'sqs:*',
          'sns:*',
        ],
        Resource: '*',
      },
    ]),
    targets: [sandbox.id],
  })
  add({
    name: 'deny-leave-organization',
    description: 'Accounts cannot leave the organization',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([{ Effect: 'Deny', Action: ['organizations:LeaveOrganization'], Resource: '*' }]),
    targets: [rootId],
  })
  add({
    name: 'region-deny',
    description: 'Deny requests outside the approved regions',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Sid: 'DenyAllOutsideApprovedRegions',
        Effect: 'Deny',
        NotAction: AWS_EXAMPLE_REGION_DENY_NOT_ACTION,
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': options.regions },
          ArnNotLike: { 'aws:PrincipalARN': ['arn:aws:iam::*:role/BreakGlass'] },
        },
      },
    ]),
    targets: [workloads.id, sandbox.id],
  })
  add({
    name: 'protect-audit-services',
    description: 'CloudTrail and Config cannot be turned off',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Sid: 'ProtectCloudTrail',
        Effect: 'Deny',
        Action: [
          'cloudtrail:DeleteTrail',
          'cloudtrail:StopLogging',
          'cloudtrail:UpdateTrail',
          'cloudtrail:PutEventSelectors',
        ],
        Resource: '*',
      },
      {
        Sid: 'ProtectConfig',
        Effect: 'Deny',
        Action: [
          'config:DeleteConfigurationRecorder',
          'config:StopConfigurationRecorder',
          'config:PutConfigurationRecorder',
          'config:DeleteDeliveryChannel',
        ],
        Resource: '*',
      },
    ]),
    targets: [rootId],
  })
  add({
    name: 'deny-root-user',
    description: 'The root user of member accounts cannot act',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } },
      },
    ]),
    targets: [workloads.id, security.id],
  })
  // Deny-leave again directly on a few accounts (a common leftover of migrations), and an
  // account-level deny of IAM user creation on every tenth member.
  add({
    name: 'deny-leave-legacy',
    description: 'Attached before the root-level copy existed',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }]),
    targets: members.filter((a) => a.index % 25 === 3).map((a) => a.id),
  })
  add({
    name: 'deny-iam-users',
    description: 'Humans come through Identity Center',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Effect: 'Deny',
        Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'],
        Resource: '*',
      },
    ]),
    targets: members.filter((a) => a.index % 10 === 7).map((a) => a.id),
  })
  add({
    id: 'p-RCPFullAWSAccess',
    name: 'RCPFullAWSAccess',
    description: 'Allows access to every resource',
    type: 'RESOURCE_CONTROL_POLICY',
    awsManaged: true,
    content: doc([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]),
    targets: [rootId, ...units.map((u) => u.id), ...accounts.map((a) => a.id)],
  })
  add({
    name: 'rcp-enforce-tls',
    description: 'Resources accept TLS requests only',
    type: 'RESOURCE_CONTROL_POLICY',
    awsManaged: false,
    content: doc([
      {
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*', 'sqs:*', 'kms:*', 'secretsmanager:*', 'sts:*'],
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
      },
    ]),
    targets: [rootId],
  })
  return policies
}
