/**
 * Partitions, role ARNs and session names. An ARN built with the wrong partition is rejected by
 * STS, so every ARN we build takes its partition from the configured region or a known ARN.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f'

// Longest prefixes first: `us-isob-` must not be read as `us-iso-`.
const REGION_PREFIXES: Array<[string, Partition]> = [
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['us-gov-', 'aws-us-gov'],
  ['cn-', 'aws-cn'],
]

export function partitionOfRegion(region: string): Partition {
  for (const [prefix, partition] of REGION_PREFIXES) if (region.startsWith(prefix)) return partition
  return 'aws'
}

const PARTITIONS = new Set<string>([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
])

/** The partition an ARN names (`arn:aws-us-gov:...`), or null when it is not an ARN we know. */
export function partitionOfArn(arn: string): Partition | null {
  const [prefix, partition] = arn.split(':')
  return prefix === 'arn' && partition !== undefined && PARTITIONS.has(partition)
    ? (partition as Partition)
    : null
}

export function auditRoleArn(partition: Partition, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`
}

const ACCOUNT_ID = /^\d{12}$/

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value)
}

/**
 * `orgwarden-<sweepId>` as STS accepts it: 2 to 64 characters of `[\w+=,.@-]`. The name shows in
 * the member account's CloudTrail, so a person can tell which sweep made a call.
 */
export function sessionName(label: string): string {
  const name = `orgwarden-${label}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
  return name
}
