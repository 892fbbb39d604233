/**
 * The organization of the acceptance test, as SCP chains per account:
 * - Prod: deny-leave, AWS's region allowlist with a named break-glass role, Control Tower-style
 *   root restriction and CloudTrail/Config protections exempting AWSControlTowerExecution, an
 *   audit-role protection, and a GuardDuty protection that misses some actions;
 * - Dev: an EC2-only region deny, no deny-leave;
 * - Quarantine: a deny-all SCP and no FullAWSAccess;
 * - Security: a deny-list that exempts every role;
 * - an account straight under the root with nothing but FullAWSAccess;
 * - the management account.
 */

import type { ScpChainLevel, ScpDocument } from '../../../src/policy/index.js'
import { AWS_EXAMPLE_REGION_DENY_NOT_ACTION } from '../../fixtures/aws-published-scps.js'

const V = '2012-10-17'
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: V, Statement })

export const ALLOWED_REGIONS = ['eu-central-1', 'eu-west-1']
export const AUDIT_ROLE = 'OrgwardenAudit'

export const ACCOUNTS = {
  prod: '111111111111',
  dev: '222222222222',
  quarantine: '333333333333',
  security: '444444444444',
  bare: '555555555555',
  management: '999999999999',
}

const AWS_EXAMPLE_NOT_ACTION = AWS_EXAMPLE_REGION_DENY_NOT_ACTION

const CT_EXECUTION = 'arn:aws:iam::*:role/AWSControlTowerExecution'

export const SCPS: Record<string, ScpDocument> = {
  full: {
    id: 'p-FullAWSAccess',
    name: 'FullAWSAccess',
    document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
  },
  denyLeave: {
    id: 'p-denyleave',
    name: 'DenyLeaveOrganization',
    document: doc({ Effect: 'Deny', Action: ['organizations:LeaveOrganization'], Resource: '*' }),
  },
  regionAllowlist: {
    id: 'p-regions',
    name: 'RegionAllowlist',
    document: doc({
      Sid: 'DenyAllOutsideRequestedRegions',
      Effect: 'Deny',
      NotAction: AWS_EXAMPLE_NOT_ACTION,
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS },
        ArnNotLike: { 'aws:PrincipalARN': ['arn:aws:iam::*:role/BreakGlass'] },
      },
    }),
  },
  prodGuardrails: {
    id: 'p-guardrails',
    name: 'ProdGuardrails',
    document: doc(
      {
        Sid: 'GRRESTRICTROOTUSER',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } },
      },
      {
        Sid: 'GRCLOUDTRAILENABLED',
        Effect: 'Deny',
        Action: [
          'cloudtrail:DeleteTrail',
          'cloudtrail:PutEventSelectors',
          'cloudtrail:StopLogging',
          'cloudtrail:UpdateTrail',
        ],
        Resource: 'arn:aws:cloudtrail:*:*:trail/aws-controltower-*',
        Condition: { ArnNotLike: { 'aws:PrincipalARN': CT_EXECUTION } },
      },
      {
        Sid: 'GRCONFIGENABLED',
        Effect: 'Deny',
        Action: [
          'config:DeleteConfigurationRecorder',
          'config:DeleteDeliveryChannel',
          'config:StopConfigurationRecorder',
        ],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalARN': CT_EXECUTION } },
      },
      {
        Sid: 'ProtectAuditRole',
        Effect: 'Deny',
        Action: ['iam:*'],
        Resource: `arn:aws:iam::*:role/${AUDIT_ROLE}`,
      },
      {
        Sid: 'GuardDutyPartial',
        Effect: 'Deny',
        Action: ['guardduty:DeleteDetector', 'guardduty:DisassociateFromMasterAccount'],
        Resource: '*',
      },
    ),
  },
  ec2RegionDeny: {
    id: 'p-ec2regions',
    name: 'Ec2RegionDeny',
    document: doc({
      Effect: 'Deny',
      Action: 'ec2:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS } },
    }),
  },
  denyAll: {
    id: 'p-denyall',
    name: 'DenyAll',
    document: doc({ Effect: 'Deny', Action: '*', Resource: '*' }),
  },
  exemptAllRoles: {
    id: 'p-rolesexempt',
    name: 'DenyListExceptRoles',
    document: doc({
      Effect: 'Deny',
      Action: ['organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } },
    }),
  },
}

const root: ScpChainLevel = { targetId: 'r-root', name: 'Root', policies: [SCPS.full] }

export function chainOf(account: string): ScpChainLevel[] {
  const own: ScpChainLevel = { targetId: account, policies: [SCPS.full] }
  switch (account) {
    case ACCOUNTS.prod:
      return [
        root,
        {
          targetId: 'ou-prod',
          name: 'Prod',
          policies: [SCPS.full, SCPS.denyLeave, SCPS.regionAllowlist, SCPS.prodGuardrails],
        },
        own,
      ]
    case ACCOUNTS.dev:
      return [root, { targetId: 'ou-dev', name: 'Dev', policies: [SCPS.full, SCPS.ec2RegionDeny] }, own]
    case ACCOUNTS.quarantine:
      return [root, { targetId: 'ou-quarantine', name: 'Quarantine', policies: [SCPS.denyAll] }, own]
    case ACCOUNTS.security:
      return [
        root,
        { targetId: 'ou-security', name: 'Security', policies: [SCPS.full, SCPS.exemptAllRoles] },
        own,
      ]
    default:
      return [root, own]
  }
}
