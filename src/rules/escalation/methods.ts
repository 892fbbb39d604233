/**
 * Published privilege-escalation methods (the public catalogues started by Rhino Security Labs'
 * research and grown since), as data: which actions, on which resources of the account, by which
 * kind of principal. A method holds for a principal when every step is allowed on at least one of
 * its targets by the principal's effective permissions (identity ∩ boundary ∩ SCP chain).
 *
 * Targets are resources that exist in the account, so "CreateAccessKey on others" needs another
 * user to exist, and PassRole needs a role that the compute service can assume.
 */

export type PrincipalKind = 'user' | 'role'

export type Target =
  /** The principal's own ARN. */
  | { kind: 'self' }
  /** Groups the user belongs to. */
  | { kind: 'own-groups' }
  /** Groups the user does not belong to. */
  | { kind: 'other-groups' }
  /** Customer-managed policies attached to the principal, directly or through a group. */
  | { kind: 'own-customer-policies' }
  /** Other users; `password` narrows to users with (true) or without (false) a console password. */
  | { kind: 'other-users'; password?: boolean }
  /** Other roles that are not service-linked. */
  | { kind: 'other-roles' }
  /** A probe resource in each judged region: `{partition}`, `{region}`, `{account}` are filled in. */
  | { kind: 'regional'; template: string }

export interface Step {
  action: string
  target: Target
  /** Extra request context, e.g. the policy an attach call would attach. */
  context?: Record<string, string>
}

export interface EscalationMethod {
  /** Stable id quoted in evidence: the actions joined by `+`. */
  id: string
  description: string
  principals: readonly PrincipalKind[]
  steps: readonly Step[]
  /** iam:PassRole of a role the service can assume (and, for EC2, that has an instance profile). */
  passRole?: { service: string; needsInstanceProfile?: boolean }
  /** Only for principals that have a permissions boundary. */
  needsBoundary?: boolean
}

const ADMIN_POLICY = { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }
const probe = (service: string, type: string) => `arn:{partition}:${service}:{region}:{account}:${type}`

function single(
  action: string,
  target: Target,
  description: string,
  principals: readonly PrincipalKind[],
  context?: Record<string, string>,
): EscalationMethod {
  return { id: action, description, principals, steps: [{ action, target, ...(context ? { context } : {}) }] }
}

function passRole(
  service: string,
  steps: Step[],
  description: string,
  needsInstanceProfile = false,
): EscalationMethod {
  return {
    id: ['iam:PassRole', ...steps.map((s) => s.action)].join('+'),
    description,
    principals: ['user', 'role'],
    steps,
    passRole: { service, needsInstanceProfile },
  }
}

const BOTH: readonly PrincipalKind[] = ['user', 'role']

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  single(
    'iam:CreatePolicyVersion',
    { kind: 'own-customer-policies' },
    'Write a new default version of a policy the principal already holds.',
    BOTH,
  ),
  single(
    'iam:SetDefaultPolicyVersion',
    { kind: 'own-customer-policies' },
    'Switch a held policy back to an older, possibly broader, version.',
    BOTH,
  ),
  single(
    'iam:AttachUserPolicy',
    { kind: 'self' },
    'Attach AdministratorAccess to itself.',
    ['user'],
    ADMIN_POLICY,
  ),
  single(
    'iam:AttachGroupPolicy',
    { kind: 'own-groups' },
    'Attach AdministratorAccess to a group it is in.',
    ['user'],
    ADMIN_POLICY,
  ),
  single(
    'iam:AttachRolePolicy',
    { kind: 'self' },
    'Attach AdministratorAccess to its own role.',
    ['role'],
    ADMIN_POLICY,
  ),
  single('iam:PutUserPolicy', { kind: 'self' }, 'Write an inline policy granting anything to itself.', [
    'user',
  ]),
  single(
    'iam:PutGroupPolicy',
    { kind: 'own-groups' },
    'Write an inline policy granting anything to a group it is in.',
    ['user'],
  ),
  single('iam:PutRolePolicy', { kind: 'self' }, 'Write an inline policy granting anything to its own role.', [
    'role',
  ]),
  single('iam:AddUserToGroup', { kind: 'other-groups' }, 'Join a group with more permissions.', ['user']),
  single(
    'iam:UpdateAssumeRolePolicy',
    { kind: 'other-roles' },
    'Rewrite another role’s trust policy to trust itself, then assume it.',
    BOTH,
  ),
  single(
    'iam:CreateAccessKey',
    { kind: 'other-users' },
    'Create an access key for another user and act as that user.',
    BOTH,
  ),
  single(
    'iam:CreateLoginProfile',
    { kind: 'other-users', password: false },
    'Give another user a console password and sign in as that user.',
    BOTH,
  ),
  single(
    'iam:UpdateLoginProfile',
    { kind: 'other-users', password: true },
    'Reset another user’s console password and sign in as that user.',
    BOTH,
  ),
  {
    ...single('iam:DeleteUserPermissionsBoundary', { kind: 'self' }, 'Remove its own permissions boundary.', [
      'user',
    ]),
    needsBoundary: true,
  },
  {
    ...single(
      'iam:DeleteRolePermissionsBoundary',
      { kind: 'self' },
      'Remove its own role’s permissions boundary.',
      ['role'],
    ),
    needsBoundary: true,
  },
  passRole(
    'lambda.amazonaws.com',
    [
      {
        action: 'lambda:CreateFunction',
        target: { kind: 'regional', template: probe('lambda', 'function:orgwarden-probe') },
      },
      {
        action: 'lambda:InvokeFunction',
        target: { kind: 'regional', template: probe('lambda', 'function:orgwarden-probe') },
      },
    ],
    'Create a Lambda function running as a more privileged role and invoke it.',
  ),
  passRole(
    'lambda.amazonaws.com',
    [
      {
        action: 'lambda:CreateFunction',
        target: { kind: 'regional', template: probe('lambda', 'function:orgwarden-probe') },
      },
      { action: 'lambda:CreateEventSourceMapping', target: { kind: 'regional', template: '*' } },
    ],
    'Create a Lambda function running as a more privileged role and trigger it from an event source.',
  ),
  passRole(
    'ec2.amazonaws.com',
    [{ action: 'ec2:RunInstances', target: { kind: 'regional', template: probe('ec2', 'instance/*') } }],
    'Launch an instance with a more privileged role’s instance profile and read its credentials.',
    true,
  ),
  passRole(
    'cloudformation.amazonaws.com',
    [
      {
        action: 'cloudformation:CreateStack',
        target: { kind: 'regional', template: probe('cloudformation', 'stack/orgwarden-probe/*') },
      },
    ],
    'Create a stack that CloudFormation deploys as a more privileged role.',
  ),
  passRole(
    'glue.amazonaws.com',
    [
      {
        action: 'glue:CreateDevEndpoint',
        target: { kind: 'regional', template: probe('glue', 'devEndpoint/orgwarden-probe') },
      },
    ],
    'Create a Glue development endpoint running as a more privileged role and log in to it.',
  ),
  passRole(
    'datapipeline.amazonaws.com',
    [
      { action: 'datapipeline:CreatePipeline', target: { kind: 'regional', template: '*' } },
      { action: 'datapipeline:PutPipelineDefinition', target: { kind: 'regional', template: '*' } },
      { action: 'datapipeline:ActivatePipeline', target: { kind: 'regional', template: '*' } },
    ],
    'Run a Data Pipeline whose activities execute as a more privileged role.',
  ),
  passRole(
    'sagemaker.amazonaws.com',
    [
      {
        action: 'sagemaker:CreateNotebookInstance',
        target: { kind: 'regional', template: probe('sagemaker', 'notebook-instance/orgwarden-probe') },
      },
      {
        action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        target: { kind: 'regional', template: probe('sagemaker', 'notebook-instance/orgwarden-probe') },
      },
    ],
    'Open a SageMaker notebook running as a more privileged role.',
  ),
  passRole(
    'codebuild.amazonaws.com',
    [
      {
        action: 'codebuild:CreateProject',
        target: { kind: 'regional', template: probe('codebuild', 'project/orgwarden-probe') },
      },
      {
        action: 'codebuild:StartBuild',
        target: { kind: 'regional', template: probe('codebuild', 'project/orgwarden-probe') },
      },
    ],
    'Run a CodeBuild project whose build runs as a more privileged role.',
  ),
  passRole(
    'ecs-tasks.amazonaws.com',
    [
      { action: 'ecs:RegisterTaskDefinition', target: { kind: 'regional', template: '*' } },
      {
        action: 'ecs:RunTask',
        target: { kind: 'regional', template: probe('ecs', 'task-definition/orgwarden-probe:1') },
      },
    ],
    'Run an ECS task whose task role is a more privileged role.',
  ),
]
