/**
 * The guardrail matrix of the acceptance organization (helpers/guardrail-org.ts).
 */

import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import {
  type AccountGuardrailReport,
  type GuardrailCatalog,
  type GuardrailId,
  genericProbePrincipals,
  judgeAccountGuardrails,
  type ProbePrincipal,
  probePrincipalFromArn,
} from '../../src/policy/index.js'
import { guardrailCatalog } from './helpers/catalog.js'
import { ACCOUNTS, ALLOWED_REGIONS, AUDIT_ROLE, chainOf } from './helpers/guardrail-org.js'

let catalog: GuardrailCatalog
before(async () => {
  catalog = await guardrailCatalog()
})

function principals(account: string, roles: string[]): ProbePrincipal[] {
  const real = roles.map((r) => probePrincipalFromArn(`arn:aws:iam::${account}:role/${r}`))
  return [...genericProbePrincipals(account), ...real.filter((p): p is ProbePrincipal => p !== undefined)]
}

function judge(
  account: string,
  roles: string[] = ['App'],
  isManagementAccount = false,
): AccountGuardrailReport {
  return judgeAccountGuardrails(
    {
      accountId: account,
      isManagementAccount,
      scpChain: chainOf(account),
      principals: principals(account, roles),
      allowedRegions: ALLOWED_REGIONS,
      auditRoleName: AUDIT_ROLE,
    },
    catalog,
  )
}

function verdicts(report: AccountGuardrailReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.id, r.verdict]))
}

function result(report: AccountGuardrailReport, id: GuardrailId) {
  const r = report.results.find((x) => x.id === id)
  assert.ok(r, `${id} missing`)
  return r
}

describe('guardrail matrix of the acceptance organization', () => {
  it('Prod: enforced, exempted for named principals, not-enforced where the SCP misses actions', () => {
    const report = judge(ACCOUNTS.prod, ['BreakGlass', 'AWSControlTowerExecution', 'App'])
    assert.deepEqual(verdicts(report), {
      'deny-leave-organization': 'enforced',
      'region-allowlist': 'exempted',
      'restrict-root-user': 'enforced',
      'deny-root-access-keys': 'enforced',
      'protect-cloudtrail': 'exempted',
      'protect-config': 'exempted',
      'protect-guardduty': 'not-enforced',
      'protect-security-hub': 'not-enforced',
      'protect-access-analyzer': 'not-enforced',
      'protect-audit-role': 'enforced',
    })
  })

  it('Prod evidence: the deciding statement and its OU, the exempt principals, the escaping probes', () => {
    const report = judge(ACCOUNTS.prod, ['BreakGlass', 'AWSControlTowerExecution', 'App'])
    const leave = result(report, 'deny-leave-organization')
    // The root user is also stopped by the root restriction, so both denies are evidence.
    assert.deepEqual(
      leave.evidence.deciding
        .map((d) => `${d.policyName}@${d.level?.name}#${d.sid ?? d.statementIndex}`)
        .sort(),
      ['DenyLeaveOrganization@Prod#0', 'ProdGuardrails@Prod#GRRESTRICTROOTUSER'],
    )
    const regions = result(report, 'region-allowlist')
    assert.deepEqual(regions.evidence.exemptPrincipals, [`arn:aws:iam::${ACCOUNTS.prod}:role/BreakGlass`])
    assert.ok(regions.evidence.escapes.every((e) => !e.generic))
    assert.ok(!regions.evidence.escapingRegions?.includes('eu-west-1'))
    assert.ok(regions.evidence.escapingRegions?.includes('us-east-1'))
    assert.ok(regions.evidence.deciding.some((d) => d.sid === 'DenyAllOutsideRequestedRegions'))
    assert.deepEqual(result(report, 'protect-cloudtrail').evidence.exemptPrincipals, [
      `arn:aws:iam::${ACCOUNTS.prod}:role/AWSControlTowerExecution`,
    ])
    const guardduty = result(report, 'protect-guardduty')
    const escaped = new Set(guardduty.evidence.escapes.flatMap((e) => e.actions))
    assert.ok(escaped.has('guardduty:UpdateDetector'))
    assert.ok(!escaped.has('guardduty:DeleteDetector'))
  })

  it('Prod without the break-glass role: the allowlist is enforced', () => {
    const report = judge(ACCOUNTS.prod, ['App'])
    assert.equal(result(report, 'region-allowlist').verdict, 'enforced')
    assert.equal(result(report, 'protect-cloudtrail').verdict, 'enforced')
  })

  it('Dev: an EC2-only region deny does not make a region allowlist; no deny-leave', () => {
    const report = judge(ACCOUNTS.dev)
    assert.equal(result(report, 'deny-leave-organization').verdict, 'not-enforced')
    const regions = result(report, 'region-allowlist')
    assert.equal(regions.verdict, 'not-enforced')
    const escaping = regions.evidence.escapingServices ?? []
    assert.ok(!escaping.includes('ec2'), 'EC2 is held in the allowed regions')
    for (const s of ['lambda', 's3', 'dynamodb']) assert.ok(escaping.includes(s), `${s} should escape`)
    assert.ok(regions.evidence.escapes.some((e) => e.generic))
  })

  it('Quarantine: a deny-all OU enforces everything, and hygiene reports the missing Allow', () => {
    const report = judge(ACCOUNTS.quarantine)
    assert.ok(
      Object.values(verdicts(report)).every((v) => v === 'enforced'),
      JSON.stringify(verdicts(report)),
    )
    assert.ok(report.hygiene.some((h) => h.code === 'no-allow' && h.targetId === 'ou-quarantine'))
    assert.deepEqual(
      result(report, 'deny-leave-organization').evidence.deciding.map((d) => d.policyName),
      ['DenyAll'],
    )
  })

  it('Security: a deny that exempts every role is not-enforced, not exempted', () => {
    const report = judge(ACCOUNTS.security, ['App', 'Admin'])
    const leave = result(report, 'deny-leave-organization')
    assert.equal(leave.verdict, 'not-enforced')
    assert.deepEqual(
      leave.evidence.escapes.filter((e) => e.generic).flatMap((e) => e.principals),
      ['any IAM role'],
    )
    assert.equal(result(report, 'protect-cloudtrail').verdict, 'not-enforced')
  })

  it('an account straight under the root with nothing: nothing is enforced', () => {
    const report = judge(ACCOUNTS.bare)
    assert.ok(
      Object.values(verdicts(report)).every((v) => v === 'not-enforced'),
      JSON.stringify(verdicts(report)),
    )
    const regions = result(report, 'region-allowlist')
    assert.equal(regions.evidence.escapingServices?.length, catalog.regional.probes.length)
    // Each escape names a sample of its actions and how many got out; the services list is whole.
    for (const got of regions.evidence.escapes) {
      assert.equal(got.actions.length, 20)
      assert.equal(got.actionsTotal, catalog.regional.probes.length)
    }
    assert.deepEqual(report.hygiene, [])
  })

  it('principals that get out the same way share one escape, naming the first 20 and counting the rest', () => {
    const roles = Array.from({ length: 30 }, (_, i) => `app-${String(i).padStart(2, '0')}`)
    const guardduty = result(judge(ACCOUNTS.bare, roles), 'protect-guardduty')
    assert.equal(guardduty.verdict, 'not-enforced')
    // Nothing stops anyone here: one escape for the generic probes, one for the 30 roles.
    assert.deepEqual(
      guardduty.evidence.escapes.map((e) => ({
        generic: e.generic,
        principals: e.principals.length,
        total: e.principalsTotal,
      })),
      [
        { generic: true, principals: 3, total: undefined },
        { generic: false, principals: 20, total: 30 },
      ],
    )
    const named = guardduty.evidence.escapes[1]
    assert.equal(named?.principals[0], `arn:aws:iam::${ACCOUNTS.bare}:role/app-00`)
    assert.equal(named?.principals[19], `arn:aws:iam::${ACCOUNTS.bare}:role/app-19`)
    assert.deepEqual(named?.regions, guardduty.evidence.escapes[0]?.regions)
    assert.equal(guardduty.evidence.escapesTruncated, undefined)
  })

  it('the management account: not applicable', () => {
    const report = judge(ACCOUNTS.management, [], true)
    assert.ok(report.results.every((r) => r.verdict === 'not-applicable' && r.evidence.note))
    assert.equal(report.results.length, 10)
  })

  it('leaves service-linked roles out of probing', () => {
    const slr = probePrincipalFromArn(
      `arn:aws:iam::${ACCOUNTS.prod}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    )
    assert.equal(slr, undefined)
  })

  it('judges a subset of guardrails and a region allowlist without regions as not applicable', () => {
    const report = judgeAccountGuardrails(
      {
        accountId: ACCOUNTS.dev,
        isManagementAccount: false,
        scpChain: chainOf(ACCOUNTS.dev),
        principals: genericProbePrincipals(ACCOUNTS.dev),
        allowedRegions: [],
        auditRoleName: AUDIT_ROLE,
        guardrails: ['region-allowlist', 'deny-leave-organization'],
      },
      catalog,
    )
    assert.deepEqual(verdicts(report), {
      'region-allowlist': 'not-applicable',
      'deny-leave-organization': 'not-enforced',
    })
  })

  it('gives the same verdicts when chains are judged again (shared caches)', () => {
    const first = judge(ACCOUNTS.prod, ['BreakGlass'])
    const second = judge(ACCOUNTS.prod, ['BreakGlass'])
    assert.deepEqual(verdicts(first), verdicts(second))
    assert.deepEqual(result(first, 'region-allowlist').evidence, result(second, 'region-allowlist').evidence)
  })

  /**
   * deny-leave-organization in an account whose root carries FullAWSAccess and a Deny of
   * LeaveOrganization under `condition`; the probes are the generic principals and `roles`
   * (name → tags).
   */
  function judgeLeaveDeny(account: string, condition: Record<string, Record<string, string>>) {
    const scp = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*', Condition: condition },
      ],
    })
    return (roles: Record<string, Record<string, string>>) => {
      const real = Object.entries(roles).map(([name, tags]) => {
        const p = probePrincipalFromArn(`arn:aws:iam::${account}:role/${name}`, tags)
        assert.ok(p)
        return p
      })
      return judgeAccountGuardrails(
        {
          accountId: account,
          isManagementAccount: false,
          scpChain: [
            {
              targetId: 'r-root',
              policies: [
                { id: 'full', document: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' },
                { id: 'x', document: scp },
              ],
            },
          ],
          principals: [...genericProbePrincipals(account), ...real],
          allowedRegions: ALLOWED_REGIONS,
          auditRoleName: AUDIT_ROLE,
          guardrails: ['deny-leave-organization'],
        },
        catalog,
      ).results[0]
    }
  }

  it('keeps principals apart when one condition reads the region and a principal key together', () => {
    // The exemption compares a principal tag with the region: who escapes depends on both at once,
    // so principals cannot be grouped by their answers alone.
    const account = '777777777777'
    const judgeWith = judgeLeaveDeny(account, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
      StringNotEquals: { 'aws:PrincipalTag/home': '${aws:RequestedRegion}' },
    })
    // LeaveOrganization is probed where Organizations answers: us-east-1.
    const both = judgeWith({ Away: { home: 'ap-southeast-2' }, Home: { home: 'us-east-1' } })
    assert.equal(both.verdict, 'exempted')
    assert.deepEqual(both.evidence.exemptPrincipals, [`arn:aws:iam::${account}:role/Home`])
    assert.equal(judgeWith({ Away: { home: 'ap-southeast-2' } }).verdict, 'enforced')
  })

  it('uses principal tags: an exemption by tag spares only tagged real principals', () => {
    const account = '666666666666'
    const result = judgeLeaveDeny(account, { StringNotEquals: { 'aws:PrincipalTag/role': 'platform' } })({
      Platform: { role: 'platform' },
    })
    assert.equal(result.verdict, 'exempted')
    assert.deepEqual(result.evidence.exemptPrincipals, [`arn:aws:iam::${account}:role/Platform`])
  })
})
