/**
 * Guardrails credit a deny in the account's RCP chain where RCPs govern the probed request: a
 * service with RCP support acting on a resource of the account. RCPs only deny
 * (RCPFullAWSAccess cannot be detached), so an RCP level without an Allow blocks nothing.
 */

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { judgeGuardrails } from '../../src/assess/guardrails.js'
import { buildOrgTree } from '../../src/org/tree.js'
import type { OrgSnapshot, PolicyType } from '../../src/org/types.js'
import {
  type AccountGuardrailReport,
  type GuardrailCatalog,
  genericProbePrincipals,
  judgeAccountGuardrails,
  type ProbePrincipal,
  probePrincipalFromArn,
  type ScpChainLevel,
} from '../../src/policy/index.js'
import { guardrailCatalog } from './helpers/catalog.js'
import { ALLOWED_REGIONS, AUDIT_ROLE, SCPS } from './helpers/guardrail-org.js'

const ACCOUNT = '222222222222'
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement })
/** The services the SCP's region deny leaves out; all of them have RCP support. */
const LEFT_TO_RCP = ['s3', 'sqs', 'secretsmanager', 'dynamodb']

/** A region deny for everything but the RCP-governed services above. */
const SCP_REGION_DENY = {
  id: 'p-regions-but-data',
  name: 'RegionDenyButData',
  document: doc({
    Sid: 'DenyOutsideRegions',
    Effect: 'Deny',
    NotAction: LEFT_TO_RCP.map((s) => `${s}:*`),
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS } },
  }),
}

const rcpRegionDeny = (exempt?: string) => ({
  id: 'p-rcp-regions',
  name: 'DataRegionsRcp',
  document: doc({
    Sid: 'DenyDataOutsideRegions',
    Effect: 'Deny',
    Principal: '*',
    Action: LEFT_TO_RCP.map((s) => `${s}:*`),
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS },
      ...(exempt ? { ArnNotLike: { 'aws:PrincipalArn': [exempt] } } : {}),
    },
  }),
})

const RCP_FULL = {
  id: 'p-RCPFullAWSAccess',
  name: 'RCPFullAWSAccess',
  document: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }),
}

const scpChain: ScpChainLevel[] = [
  { targetId: 'r-root', name: 'Root', policies: [SCPS.full!] },
  { targetId: 'ou-data', name: 'Data', policies: [SCPS.full!, SCP_REGION_DENY] },
  { targetId: ACCOUNT, name: 'data-account', policies: [SCPS.full!] },
]

let catalog: GuardrailCatalog
before(async () => {
  catalog = await guardrailCatalog()
})

function principals(roles: string[]): ProbePrincipal[] {
  const real = roles.map((r) => probePrincipalFromArn(`arn:aws:iam::${ACCOUNT}:role/${r}`))
  return [...genericProbePrincipals(ACCOUNT), ...real.filter((p): p is ProbePrincipal => p !== undefined)]
}

function regionAllowlist(rcpChain: ScpChainLevel[] | undefined, roles = ['App']) {
  const report: AccountGuardrailReport = judgeAccountGuardrails(
    {
      accountId: ACCOUNT,
      isManagementAccount: false,
      scpChain,
      rcpChain,
      principals: principals(roles),
      allowedRegions: ALLOWED_REGIONS,
      auditRoleName: AUDIT_ROLE,
    },
    catalog,
  )
  const r = report.results.find((x) => x.id === 'region-allowlist')
  assert.ok(r)
  return r
}

const rcpLevels = (ouPolicies: ScpChainLevel['policies']): ScpChainLevel[] => [
  { targetId: 'r-root', name: 'Root', policies: [RCP_FULL] },
  { targetId: 'ou-data', name: 'Data', policies: ouPolicies },
  { targetId: ACCOUNT, name: 'data-account', policies: [RCP_FULL] },
]

describe('region-allowlist with an RCP', () => {
  it('without the RCP, the services the SCP leaves out escape', () => {
    const r = regionAllowlist(undefined)
    assert.equal(r.verdict, 'not-enforced')
    assert.deepEqual(r.evidence.escapingServices, [...LEFT_TO_RCP].sort())
  })

  it("the RCP's deny closes them: enforced, and the RCP statement is named with its OU", () => {
    const r = regionAllowlist(rcpLevels([RCP_FULL, rcpRegionDeny()]))
    assert.equal(r.verdict, 'enforced', JSON.stringify(r.evidence.escapes.slice(0, 3)))
    assert.deepEqual(r.evidence.escapingServices, [])
    const rcp = r.evidence.deciding.filter((d) => d.policyType === 'rcp')
    assert.deepEqual(
      rcp.map((d) => [d.policyName, d.sid, d.level?.targetId, d.level?.name]),
      [['DataRegionsRcp', 'DenyDataOutsideRegions', 'ou-data', 'Data']],
    )
    // The SCP still decides the rest, as an SCP statement.
    assert.ok(r.evidence.deciding.some((d) => d.policyType === 'scp' && d.sid === 'DenyOutsideRegions'))
  })

  it('an RCP exempting a named role: that role is the only exemption', () => {
    const r = regionAllowlist(rcpLevels([RCP_FULL, rcpRegionDeny('arn:aws:iam::*:role/DataBreakGlass')]), [
      'App',
      'DataBreakGlass',
    ])
    assert.equal(r.verdict, 'exempted')
    assert.deepEqual(r.evidence.exemptPrincipals, [`arn:aws:iam::${ACCOUNT}:role/DataBreakGlass`])
  })

  it('RCP levels without an Allow block nothing (RCPFullAWSAccess is always attached)', () => {
    const bare: ScpChainLevel[] = [
      { targetId: 'r-root', name: 'Root', policies: [] },
      { targetId: 'ou-data', name: 'Data', policies: [] },
      { targetId: ACCOUNT, name: 'data-account', policies: [] },
    ]
    const r = regionAllowlist(bare)
    assert.equal(r.verdict, 'not-enforced')
    assert.deepEqual(r.evidence.escapingServices, [...LEFT_TO_RCP].sort())
    assert.deepEqual(r.evidence.blockedAt, [])
  })

  it('an RCP deny of a service without RCP support is not credited', () => {
    const lambdaDeny = {
      id: 'p-rcp-lambda',
      name: 'LambdaRcp',
      document: doc({
        Effect: 'Deny',
        Principal: '*',
        Action: ['lambda:*', 's3:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS } },
      }),
    }
    const withoutScpForLambda: ScpChainLevel[] = [{ targetId: ACCOUNT, name: 'x', policies: [SCPS.full!] }]
    const report = judgeAccountGuardrails(
      {
        accountId: ACCOUNT,
        isManagementAccount: false,
        scpChain: withoutScpForLambda,
        rcpChain: [{ targetId: ACCOUNT, name: 'x', policies: [lambdaDeny] }],
        principals: principals([]),
        allowedRegions: ALLOWED_REGIONS,
        auditRoleName: AUDIT_ROLE,
      },
      catalog,
    )
    const escaping = report.results.find((x) => x.id === 'region-allowlist')?.evidence.escapingServices ?? []
    assert.ok(escaping.includes('lambda'), 'RCPs do not govern Lambda')
    assert.ok(!escaping.includes('s3'), 'RCPs govern S3')
  })

  it('RCPs do not reach guardrails about services they do not cover (deny-leave)', () => {
    const denyLeave = {
      id: 'p-rcp-leave',
      name: 'LeaveRcp',
      document: doc({
        Effect: 'Deny',
        Principal: '*',
        Action: 'organizations:LeaveOrganization',
        Resource: '*',
      }),
    }
    const report = judgeAccountGuardrails(
      {
        accountId: ACCOUNT,
        isManagementAccount: false,
        scpChain: [{ targetId: ACCOUNT, name: 'x', policies: [SCPS.full!] }],
        rcpChain: [{ targetId: ACCOUNT, name: 'x', policies: [denyLeave] }],
        principals: principals([]),
        allowedRegions: ALLOWED_REGIONS,
        auditRoleName: AUDIT_ROLE,
      },
      catalog,
    )
    assert.equal(report.results.find((x) => x.id === 'deny-leave-organization')?.verdict, 'not-enforced')
  })
})

describe('the sweep passes the RCP chain from the organization', () => {
  function snapshot(rcpEnabled: boolean): OrgSnapshot {
    const policy = (id: string, name: string, type: PolicyType, content: string, targets: string[]) => ({
      id,
      arn: `arn:aws:organizations::999999999999:policy/o-data/${id}`,
      name,
      description: '',
      type,
      awsManaged: false,
      content,
      targets,
    })
    return {
      organization: {
        id: 'o-data',
        arn: 'arn:aws:organizations::999999999999:organization/o-data',
        managementAccountId: '999999999999',
        featureSet: 'ALL',
      },
      roots: [
        {
          id: 'r-root',
          arn: 'arn:aws:organizations::999999999999:root/o-data/r-root',
          name: 'Root',
          policyTypes: rcpEnabled
            ? ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']
            : ['SERVICE_CONTROL_POLICY'],
        },
      ],
      organizationalUnits: [
        {
          id: 'ou-data',
          arn: 'arn:aws:organizations::999999999999:ou/o-data/ou-data',
          name: 'Data',
          parentId: 'r-root',
        },
      ],
      accounts: [
        {
          id: ACCOUNT,
          arn: `arn:aws:organizations::999999999999:account/o-data/${ACCOUNT}`,
          name: 'data-account',
          email: 'data@example.test',
          status: 'ACTIVE',
          joinedMethod: 'CREATED',
          joinedAt: '2025-01-01T00:00:00Z',
          parentId: 'ou-data',
          tags: {},
        },
      ],
      policies: [
        policy('p-FullAWSAccess', 'FullAWSAccess', 'SERVICE_CONTROL_POLICY', SCPS.full!.document as string, [
          'r-root',
          'ou-data',
          ACCOUNT,
        ]),
        policy(SCP_REGION_DENY.id, SCP_REGION_DENY.name, 'SERVICE_CONTROL_POLICY', SCP_REGION_DENY.document, [
          'ou-data',
        ]),
        policy(RCP_FULL.id, RCP_FULL.name, 'RESOURCE_CONTROL_POLICY', RCP_FULL.document, [
          'r-root',
          'ou-data',
          ACCOUNT,
        ]),
        policy('p-rcp-regions', 'DataRegionsRcp', 'RESOURCE_CONTROL_POLICY', rcpRegionDeny().document, [
          'ou-data',
        ]),
      ],
      delegatedAdministrators: [],
    }
  }

  const judgeTree = (rcpEnabled: boolean) =>
    judgeGuardrails(buildOrgTree(snapshot(rcpEnabled)), ACCOUNT, undefined, catalog, {
      allowedRegions: ALLOWED_REGIONS,
      auditRoleName: AUDIT_ROLE,
    }).results.find((r) => r.id === 'region-allowlist')

  it('with RCPs enabled, the RCP in the snapshot enforces the allowlist', () => {
    const r = judgeTree(true)
    assert.equal(r?.verdict, 'enforced')
    assert.ok(r?.evidence.deciding.some((d) => d.policyType === 'rcp' && d.policyId === 'p-rcp-regions'))
  })

  it('with RCPs not enabled on the root, attached RCPs are not in force', () => {
    assert.equal(judgeTree(false)?.verdict, 'not-enforced')
  })
})
