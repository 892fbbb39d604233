/**
 * Data the region-allowlist guardrail needs and iam-data does not carry: the list of commercial
 * regions, and the services AWS itself exempts from region-deny SCPs because they are global
 * (their calls land in one region whatever the caller uses). Both are inputs with these
 * defaults, so a deployment can bring them up to date without a code change.
 */

/** Commercial AWS regions (aws partition), as of 2026. */
export const AWS_COMMERCIAL_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]

/** Whole services in the NotAction list of AWS's example region-deny SCP (IAM User Guide). */
export const AWS_EXAMPLE_REGION_EXEMPT_SERVICES: readonly string[] = [
  'a4b',
  'acm',
  'aws-marketplace-management',
  'aws-marketplace',
  'aws-portal',
  'budgets',
  'ce',
  'chime',
  'cloudfront',
  'config',
  'cur',
  'directconnect',
  'fms',
  'globalaccelerator',
  'health',
  'iam',
  'importexport',
  'kms',
  'mobileanalytics',
  'networkmanager',
  'organizations',
  'pricing',
  'route53',
  'route53domains',
  'route53-recovery-cluster',
  'route53-recovery-control-config',
  'route53-recovery-readiness',
  'shield',
  'sts',
  'support',
  'trustedadvisor',
  'waf-regional',
  'waf',
  'wafv2',
  'wellarchitected',
]

/**
 * Whole services in the NotAction list of Control Tower's landing-zone region deny
 * (GRREGIONDENY), beyond the example above.
 */
export const CONTROL_TOWER_REGION_EXEMPT_SERVICES: readonly string[] = [
  'access-analyzer',
  'account',
  'activate',
  'artifact',
  'billing',
  'billingconductor',
  'chatbot',
  'compute-optimizer',
  'consoleapp',
  'consolidatedbilling',
  'devicefarm',
  'ecr-public',
  'freetier',
  'invoicing',
  'iq',
  'notifications-contacts',
  'notifications',
  'payments',
  'resource-explorer-2',
  'savingsplans',
  'sso',
  'supportapp',
  'supportplans',
  'sustainability',
  'tax',
]

export const DEFAULT_REGION_EXEMPT_SERVICES: readonly string[] = [
  ...AWS_EXAMPLE_REGION_EXEMPT_SERVICES,
  ...CONTROL_TOWER_REGION_EXEMPT_SERVICES,
]

/** Where calls to global services (IAM, Organizations) are authorised. */
export const GLOBAL_REGION = 'us-east-1'
