import type { OrgSnapshot } from '../../src/org/types.js'

/** An organization with nothing in it: enough for store tests that record a sweep's plan. */
export const EMPTY_ORG: OrgSnapshot = {
  organization: {
    id: 'o-abc123defg',
    arn: 'arn:aws:organizations::111111111111:organization/o-abc123defg',
    managementAccountId: '111111111111',
    featureSet: 'ALL',
  },
  roots: [],
  organizationalUnits: [],
  accounts: [],
  policies: [],
  delegatedAdministrators: [],
}
