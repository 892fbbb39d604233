/** Small hand-built inputs shared by the org tests. */
import type { OrgSnapshot, PolicyType } from '../../src/org/types.js'

/** URL-encodes a document the way IAM returns it. */
export function iamEncoded(doc: unknown): string {
  return encodeURIComponent(JSON.stringify(doc))
}

export const CREDENTIAL_REPORT_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'

export function credentialReport(...rows: string[]): string {
  return `${[CREDENTIAL_REPORT_HEADER, ...rows].join('\n')}\n`
}

export const ORG_ID = 'o-test123456'
export const ROOT = 'r-t3st'
export const OU_A = 'ou-t3st-aaaaaaaa'
export const OU_B = 'ou-t3st-bbbbbbbb'
export const OU_C = 'ou-t3st-cccccccc'
export const MGMT = '100000000001'
export const ACC_B = '100000000002'
export const ACC_C = '100000000003'
export const ACC_SUSPENDED = '100000000004'

/**
 * Root ─ mgmt
 *      ├ OU_A ─ OU_B ─ ACC_B
 *      └ OU_C ─ ACC_C, ACC_SUSPENDED
 */
export function smallOrg(): OrgSnapshot {
  const account = (
    id: string,
    name: string,
    parentId: string,
    status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE',
  ) => ({
    id,
    arn: `arn:aws:organizations::${MGMT}:account/${ORG_ID}/${id}`,
    name,
    email: `${name}@example.test`,
    status,
    joinedMethod: 'CREATED' as const,
    joinedAt: '2026-01-01T00:00:00Z',
    parentId,
    tags: {},
  })
  const ou = (id: string, name: string, parentId: string) => ({
    id,
    arn: `arn:aws:organizations::${MGMT}:ou/${ORG_ID}/${id}`,
    name,
    parentId,
  })
  const scp = (id: string, name: string, targets: string[]) => ({
    id,
    arn: `arn:aws:organizations::${MGMT}:policy/${ORG_ID}/service_control_policy/${id}`,
    name,
    description: '',
    type: 'SERVICE_CONTROL_POLICY' as PolicyType,
    awsManaged: false,
    content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}',
    targets,
  })
  return {
    organization: {
      id: ORG_ID,
      arn: `arn:aws:organizations::${MGMT}:organization/${ORG_ID}`,
      managementAccountId: MGMT,
      featureSet: 'ALL',
    },
    roots: [
      {
        id: ROOT,
        arn: `arn:aws:organizations::${MGMT}:root/${ORG_ID}/${ROOT}`,
        name: 'Root',
        policyTypes: ['SERVICE_CONTROL_POLICY'],
      },
    ],
    organizationalUnits: [ou(OU_A, 'A', ROOT), ou(OU_B, 'B', OU_A), ou(OU_C, 'C', ROOT)],
    accounts: [
      account(MGMT, 'mgmt', ROOT),
      account(ACC_B, 'b', OU_B),
      account(ACC_C, 'c', OU_C),
      account(ACC_SUSPENDED, 'gone', OU_C, 'SUSPENDED'),
    ],
    policies: [
      {
        ...scp('p-FullAWSAccess', 'FullAWSAccess', [
          ROOT,
          OU_A,
          OU_B,
          OU_C,
          MGMT,
          ACC_B,
          ACC_C,
          ACC_SUSPENDED,
        ]),
        awsManaged: true,
      },
      scp('p-aaaaaaaa', 'deny-at-a', [OU_A]),
      scp('p-bbbbbbbb', 'deny-at-b', [OU_B, ACC_B]),
      { ...scp('p-rcprcprc', 'rcp-at-root', [ROOT]), type: 'RESOURCE_CONTROL_POLICY' },
    ],
    delegatedAdministrators: [],
  }
}
