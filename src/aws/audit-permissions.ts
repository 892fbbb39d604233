/**
 * Every IAM action Orgwarden's AWS source uses, by who needs it. The deploy templates grant
 * exactly these (a test holds them to it), and every `service:Operation` our stats count is one.
 */

/** The audit role, in every account (the management account included). */
export const AUDIT_ROLE_ACTIONS = [
  'iam:GetAccountAuthorizationDetails',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountPasswordPolicy',
  'iam:GetAccountSummary',
  'iam:ListVirtualMFADevices',
  'iam:ListServerCertificates',
  // AWS-managed policies, read once per sweep (GetPolicy/GetPolicyVersion only on arn:*:iam::aws:policy/*).
  'iam:ListPolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
  'access-analyzer:ListAnalyzers',
] as const

/** The audit role in the account that holds the organization's Config aggregator, in addition. */
export const AGGREGATOR_ACTIONS = [
  'config:DescribeConfigurationAggregators',
  'config:DescribeAggregateComplianceByConfigRules',
] as const

/** The hub principal: reads the organization (management or delegated-admin account) and assumes audit roles. */
export const HUB_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListPolicies',
  'organizations:DescribePolicy',
  'organizations:ListTargetsForPolicy',
  'organizations:ListDelegatedAdministrators',
  'organizations:ListDelegatedServicesForAccount',
  'organizations:ListTagsForResource',
  'sts:AssumeRole',
] as const
