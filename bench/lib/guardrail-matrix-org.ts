/**
 * A synthetic organization for the guardrail matrix: accounts spread over nested OUs (up to three
 * below the root), each OU with its own mix of real-world SCPs, each account with a few real
 * principals (some of them break-glass or Control Tower roles) besides the generic probes.
 * SCP documents are JSON text, as the Organizations API returns them.
 */

import {
  genericProbePrincipals,
  type JudgeGuardrailsInput,
  type ProbePrincipal,
  probePrincipalFromArn,
  type ScpChainLevel,
  type ScpDocument,
} from '../../src/policy/index.js'
import { AWS_EXAMPLE_REGION_DENY_NOT_ACTION } from '../../test/fixtures/aws-published-scps.js'
import { seeded } from './policy-eval-workload.js'

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement })
const CT_EXEC = 'arn:aws:iam::*:role/AWSControlTowerExecution'

const NOT_ACTION = AWS_EXAMPLE_REGION_DENY_NOT_ACTION

export const ALLOWED_REGIONS = ['eu-central-1', 'eu-west-1']

const full: ScpDocument = {
  id: 'p-full',
  name: 'FullAWSAccess',
  document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
}
const pool: ScpDocument[] = [
  {
    id: 'p-leave',
    name: 'DenyLeave',
    document: doc({ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }),
  },
  {
    id: 'p-region',
    name: 'RegionAllowlist',
    document: doc({
      Effect: 'Deny',
      NotAction: NOT_ACTION,
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS },
        ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/BreakGlass' },
      },
    }),
  },
  {
    id: 'p-ec2region',
    name: 'Ec2RegionDeny',
    document: doc({
      Effect: 'Deny',
      Action: 'ec2:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS } },
    }),
  },
  {
    id: 'p-ct',
    name: 'ControlTowerMandatory',
    document: doc(
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
      },
      {
        Effect: 'Deny',
        Action: [
          'cloudtrail:DeleteTrail',
          'cloudtrail:PutEventSelectors',
          'cloudtrail:StopLogging',
          'cloudtrail:UpdateTrail',
        ],
        Resource: 'arn:aws:cloudtrail:*:*:trail/aws-controltower-*',
        Condition: { ArnNotLike: { 'aws:PrincipalARN': CT_EXEC } },
      },
      {
        Effect: 'Deny',
        Action: [
          'config:DeleteConfigurationRecorder',
          'config:DeleteDeliveryChannel',
          'config:StopConfigurationRecorder',
        ],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalARN': CT_EXEC } },
      },
    ),
  },
  {
    id: 'p-security',
    name: 'ProtectSecurityServices',
    document: doc({
      Effect: 'Deny',
      Action: [
        'guardduty:DeleteDetector',
        'guardduty:UpdateDetector',
        'securityhub:DisableSecurityHub',
        'access-analyzer:DeleteAnalyzer',
      ],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } },
    }),
  },
  {
    id: 'p-audit',
    name: 'ProtectAuditRole',
    document: doc({
      Effect: 'Deny',
      Action: 'iam:*',
      Resource: 'arn:aws:iam::*:role/OrgwardenAudit',
      Condition: { StringNotLike: { 'aws:PrincipalTag/team': 'platform' } },
    }),
  },
]

export function guardrailOrg(accountCount: number, seed = 7): JudgeGuardrailsInput[] {
  const rand = seeded(seed)
  const pickSome = (n: number) => pool.filter(() => rand() < n)
  const root: ScpChainLevel = { targetId: 'r-root', name: 'Root', policies: [full] }
  // 20 OU paths: 5 top-level OUs, each with children and some grandchildren.
  const paths: ScpChainLevel[][] = []
  for (let top = 0; top < 5; top++) {
    const a: ScpChainLevel = { targetId: `ou-${top}`, name: `OU${top}`, policies: [full, ...pickSome(0.4)] }
    paths.push([root, a])
    for (let child = 0; child < 2; child++) {
      const b: ScpChainLevel = {
        targetId: `ou-${top}-${child}`,
        name: `OU${top}.${child}`,
        policies: [full, ...pickSome(0.3)],
      }
      paths.push([root, a, b])
      const c: ScpChainLevel = {
        targetId: `ou-${top}-${child}-0`,
        name: `OU${top}.${child}.0`,
        policies: [full, ...pickSome(0.2)],
      }
      paths.push([root, a, b, c])
    }
  }
  paths.push([root])
  return Array.from({ length: accountCount }, (_, i) => {
    const accountId = String(100000000000 + i)
    const path = paths[i % paths.length]
    const principals: ProbePrincipal[] = genericProbePrincipals(accountId)
    const roles = [
      'App',
      'Deploy',
      'ReadOnly',
      ...(rand() < 0.3 ? ['BreakGlass'] : []),
      ...(rand() < 0.5 ? ['AWSControlTowerExecution'] : []),
    ]
    for (const r of roles) {
      const principal = probePrincipalFromArn(
        `arn:aws:iam::${accountId}:role/${r}`,
        r === 'Deploy' ? { team: 'platform' } : undefined,
      )
      if (principal) principals.push(principal)
    }
    const user = probePrincipalFromArn(`arn:aws:iam::${accountId}:user/ops-${i}`)
    if (user) principals.push(user)
    return {
      accountId,
      isManagementAccount: i === 0,
      scpChain: [...path, { targetId: accountId, policies: [full] }],
      principals,
      allowedRegions: ALLOWED_REGIONS,
      auditRoleName: 'OrgwardenAudit',
      orgId: 'o-example',
    }
  })
}
