/**
 * Guardrail verdicts from the policy engine, judged on the demo organization's SCP chains, turned
 * into findings: planted mistakes 17 (protect-logging exempts every role) and 18
 * (deny-leave-organization missing on the Security and Suspended OUs).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrgTree } from '../../src/org/tree.js'
import {
  buildGuardrailCatalog,
  type GuardrailResult,
  genericProbePrincipals,
  judgeAccountGuardrails,
  type ProbePrincipal,
  probePrincipalFromArn,
} from '../../src/policy/index.js'
import { GUARDRAIL_RULES, guardrailFinding } from '../../src/rules/index.js'
import { ALLOWED_REGIONS, DEMO, ID, iamCatalog } from './helpers.js'

const tree = buildOrgTree(DEMO.organization)

type ScpChain = Parameters<typeof judgeAccountGuardrails>[0]['scpChain']

const demoChain = (accountId: string): ScpChain =>
  tree.policyChain(accountId, 'SERVICE_CONTROL_POLICY').map((level) => ({
    targetId: level.targetId,
    name: level.name,
    policies: level.policies.map((p) => ({ id: p.id, name: p.name, document: p.content })),
  }))

async function judge(accountId: string, principals: ProbePrincipal[] = genericProbePrincipals(accountId)) {
  const catalog = buildGuardrailCatalog(await iamCatalog())
  return judgeAccountGuardrails(
    {
      accountId,
      isManagementAccount: tree.isManagementAccount(accountId),
      scpChain: demoChain(accountId),
      principals,
      allowedRegions: ALLOWED_REGIONS,
      auditRoleName: 'OrgwardenAudit',
      orgId: DEMO.organization.organization.id,
      orgPaths: [tree.orgPath(accountId)],
    },
    catalog,
  )
}

const findingIds = (accountId: string, results: GuardrailResult[]) =>
  results.flatMap((r) => guardrailFinding(accountId, r)?.ruleId ?? []).sort()

describe('guardrailFinding', () => {
  test('18: deny-leave-organization is a finding in the Security OU (log-archive), not in Workloads', async () => {
    const log = await judge(ID.logArchive)
    assert.ok(findingIds(ID.logArchive, log.results).includes('guardrail.deny-leave-organization'))
    const prod = await judge(ID.prod)
    assert.ok(!findingIds(ID.prod, prod.results).includes('guardrail.deny-leave-organization'))
  })

  test('17: protect-logging exempts every role, so CloudTrail and Config are not protected', async () => {
    const { results } = await judge(ID.prod)
    const trail = results.find((r) => r.id === 'protect-cloudtrail')!
    const finding = guardrailFinding(ID.prod, trail)
    assert.ok(finding)
    assert.equal(finding?.ruleId, 'guardrail.protect-cloudtrail')
    assert.equal(finding?.resourceArn, `arn:aws:iam::${ID.prod}:root`)
    assert.equal(finding?.title, `Account ${ID.prod} lets principals stop or change CloudTrail`)
    assert.deepEqual(
      (finding.evidence.escapes as Array<{ principals: string[] }>).flatMap((e) => e.principals),
      ['any IAM role'],
    )
    assert.ok(findingIds(ID.prod, results).includes('guardrail.protect-config'))
  })

  test('near misses: enforced, exempted and not-applicable verdicts are no finding', async () => {
    const prod = await judge(ID.prod)
    const enforced = prod.results.filter((r) => r.verdict === 'enforced')
    assert.ok(enforced.some((r) => r.id === 'region-allowlist'))
    for (const r of enforced) assert.equal(guardrailFinding(ID.prod, r), undefined)

    const management = await judge(ID.management)
    assert.ok(management.results.every((r) => r.verdict === 'not-applicable'))
    assert.deepEqual(findingIds(ID.management, management.results), [])

    // Only the named break-glass role escapes the region allowlist: exempted, by design.
    const breakGlass = probePrincipalFromArn(`arn:aws:iam::${ID.prod}:role/BreakGlassAdmin`)!
    const withBreakGlass = await judge(ID.prod, [...genericProbePrincipals(ID.prod), breakGlass])
    const region = withBreakGlass.results.find((r) => r.id === 'region-allowlist')!
    assert.equal(region.verdict, 'exempted')
    assert.equal(guardrailFinding(ID.prod, region), undefined)
  })

  test('every guardrail rule of the catalogue fires on an account straight under the root with only FullAWSAccess', async () => {
    const full = DEMO.organization.policies.find((p) => p.id === 'p-FullAWSAccess')
    assert.ok(full)
    const policies = [{ id: full.id, name: full.name, document: full.content }]
    const bare = '999900001111'
    const chain: ScpChain = [
      { targetId: DEMO.organization.roots[0].id, name: 'Root', policies },
      { targetId: bare, name: 'bare', policies },
    ]
    const role = probePrincipalFromArn(`arn:aws:iam::${bare}:role/app`)!
    const { results } = judgeAccountGuardrails(
      {
        accountId: bare,
        isManagementAccount: false,
        scpChain: chain,
        principals: [...genericProbePrincipals(bare), role],
        allowedRegions: ALLOWED_REGIONS,
        auditRoleName: 'OrgwardenAudit',
        orgId: DEMO.organization.organization.id,
        orgPaths: [`${DEMO.organization.organization.id}/${DEMO.organization.roots[0].id}/`],
      },
      buildGuardrailCatalog(await iamCatalog()),
    )
    const findings = results.map((r) => guardrailFinding(bare, r))
    assert.ok(findings.every((f) => f !== undefined && f.resourceArn === `arn:aws:iam::${bare}:root`))
    assert.deepEqual(
      findings.map((f) => f?.ruleId).sort(),
      GUARDRAIL_RULES.map((r) => r.id).sort(),
      'one finding per guardrail rule listed in GET /v1/rules',
    )
  })
})
