/**
 * The policy documents of the evaluation benchmark, modelled on real ones: SCPs (FullAWSAccess,
 * deny-leave, AWS's region deny, CloudTrail protection, root restriction, tag guard), identity
 * policies (admin, read-only, S3 home folders with variables, ABAC by tag, MFA and IP guards,
 * NotAction), and permissions boundaries.
 */

import { type ParsedPolicy, type PolicyKind, parsePolicyOrThrow } from '../../src/policy/index.js'
import { AWS_EXAMPLE_REGION_DENY_NOT_ACTION } from '../../test/fixtures/aws-published-scps.js'

const V = '2012-10-17'
/** An IAM policy variable, `${key}` in the policy text. */
const v = (key: string) => ['$', '{', key, '}'].join('')
const p = (kind: PolicyKind, ...Statement: unknown[]): ParsedPolicy =>
  parsePolicyOrThrow({ Version: V, Statement }, kind)

const REGION_DENY_NOT_ACTION = AWS_EXAMPLE_REGION_DENY_NOT_ACTION

export const full = p('scp', { Effect: 'Allow', Action: '*', Resource: '*' })
export const scpPool = {
  denyLeave: p('scp', { Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }),
  regionDeny: p('scp', {
    Sid: 'DenyAllOutsideRequestedRegions',
    Effect: 'Deny',
    NotAction: REGION_DENY_NOT_ACTION,
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] },
      ArnNotLike: { 'aws:PrincipalARN': ['arn:aws:iam::*:role/BreakGlass'] },
    },
  }),
  protectTrail: p('scp', {
    Effect: 'Deny',
    Action: ['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging', 'cloudtrail:UpdateTrail'],
    Resource: 'arn:aws:cloudtrail:*:*:trail/org-*',
    Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AWSControlTowerExecution' } },
  }),
  rootDeny: p('scp', {
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
  }),
  tagGuard: p('scp', {
    Effect: 'Deny',
    Action: ['ec2:RunInstances', 'ec2:CreateVolume'],
    Resource: '*',
    Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team', 'env', 'cost-center'] } },
  }),
  noIamUsers: p('scp', {
    Effect: 'Deny',
    Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'],
    Resource: '*',
  }),
}

export const identityPool: ParsedPolicy[] = [
  p('identity', { Effect: 'Allow', Action: '*', Resource: '*' }),
  p(
    'identity',
    {
      Effect: 'Allow',
      Action: [
        's3:Get*',
        's3:List*',
        'ec2:Describe*',
        'dynamodb:Describe*',
        'dynamodb:List*',
        'lambda:Get*',
        'lambda:List*',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: ['logs:Get*', 'logs:Describe*', 'logs:FilterLogEvents', 'cloudwatch:Get*', 'cloudwatch:List*'],
      Resource: '*',
    },
  ),
  p(
    'identity',
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::home',
      Condition: { StringLike: { 's3:prefix': ['', 'home/', `home/${v('aws:username')}/*`] } },
    },
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::home/${v('aws:username')}`, `arn:aws:s3:::home/${v('aws:username')}/*`],
    },
  ),
  p(
    'identity',
    {
      Effect: 'Allow',
      Action: ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:RunInstances', 'ec2:CreateVolume'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/team': `${v('aws:PrincipalTag/team')}` } },
    },
    { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
  ),
  p('identity', {
    Sid: 'DenyWithoutMFA',
    Effect: 'Deny',
    NotAction: ['iam:ChangePassword', 'iam:GetUser', 'iam:ListMFADevices', 'sts:GetSessionToken'],
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  }),
  p('identity', {
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24', '2001:db8::/32'] },
      Bool: { 'aws:ViaAWSService': 'false' },
    },
  }),
  p(
    'identity',
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction', 'lambda:UpdateFunctionCode'],
      Resource: 'arn:aws:lambda:*:*:function:app-*',
    },
    {
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: 'arn:aws:sqs:*:*:app-*',
    },
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Resource: 'arn:aws:dynamodb:*:*:table/app-*',
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${v('aws:userid')}*`] } },
    },
  ),
  p('identity', { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }),
  p('identity', {
    Effect: 'Allow',
    Action: 'iam:*AccessKey*',
    Resource: `arn:aws:iam::*:user/${v('aws:username')}`,
    Condition: {
      DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
      NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' },
    },
  }),
]

export const boundaryPool: ParsedPolicy[] = [
  p('boundary', {
    Effect: 'Allow',
    Action: ['s3:*', 'ec2:*', 'lambda:*', 'dynamodb:*', 'sqs:*', 'logs:*', 'cloudwatch:*'],
    Resource: '*',
  }),
  p(
    'boundary',
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['iam:GetUser', 'iam:ChangePassword', 'iam:*AccessKey*'],
      Resource: `arn:aws:iam::*:user/${v('aws:username')}`,
    },
  ),
  p('boundary', {
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1', 'us-east-1'] } },
  }),
]
