/**
 * The catalogue is a public contract: ids, severities and control mappings are what the API
 * serves and what findings are filtered by. Mappings are checked against
 * shared/reference/aws-facts.md ("Checks and their identifiers").
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { GUARDRAIL_IDS } from '../../src/policy/index.js'
import {
  type ControlMappings,
  catalogueMetadata,
  GUARDRAIL_RULES,
  RULES,
  ruleById,
  SEVERITIES,
} from '../../src/rules/index.js'

const MINIMUM_IDS = [
  'root.access-key-present',
  'root.mfa-disabled',
  'root.hardware-mfa-missing',
  'root.recently-used',
  'password-policy.missing',
  'password-policy.weak',
  'user.console-without-mfa',
  'user.mfa-missing',
  'user.unused-credentials',
  'user.access-key-not-rotated',
  'user.multiple-active-keys',
  'user.key-unused-since-setup',
  'user.direct-policy',
  'user.console-and-access-key',
  'policy.full-admin',
  'policy.service-wildcard',
  'principal.administrator-access',
  'policy.cloudshell-full-access',
  'policy.unattached',
  'group.no-users',
  'principal.privilege-escalation',
  'role.trusts-any-principal',
  'role.external-trust-without-external-id',
  'role.trusts-account-outside-org',
  'role.service-trust-without-source-condition',
  'role.unused',
  'account.support-role-missing',
  'account.access-analyzer-disabled',
  'account.cloudtrail-not-multiregion',
  'account.config-recorder-off',
  'account.expired-server-certificate',
]

/** aws-facts.md, "Checks and their identifiers": CIS v3 / v5 / v6, Security Hub, Config rule. */
const PASSWORD: ControlMappings = {
  cisV3: ['1.8', '1.9'],
  cisV5: ['1.7', '1.8'],
  cisV6: ['2.7', '2.8'],
  securityHub: ['IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.15', 'IAM.16', 'IAM.17'],
  configRule: ['iam-password-policy'],
}
const cis = (v3: string, v5: string, v6: string) => ({ cisV3: [v3], cisV5: [v5], cisV6: [v6] })
const FACTS: Record<string, ControlMappings> = {
  'root.access-key-present': {
    ...cis('1.4', '1.3', '2.3'),
    securityHub: ['IAM.4'],
    configRule: ['iam-root-access-key-check'],
  },
  'root.mfa-disabled': {
    ...cis('1.5', '1.4', '2.4'),
    securityHub: ['IAM.9'],
    configRule: ['root-account-mfa-enabled'],
  },
  'root.hardware-mfa-missing': {
    ...cis('1.6', '1.5', '2.5'),
    securityHub: ['IAM.6'],
    configRule: ['root-account-hardware-mfa-enabled'],
  },
  'root.recently-used': cis('1.7', '1.6', '2.6'),
  'password-policy.missing': PASSWORD,
  'password-policy.weak': PASSWORD,
  'user.console-without-mfa': {
    ...cis('1.10', '1.9', '2.9'),
    securityHub: ['IAM.5'],
    configRule: ['mfa-enabled-for-iam-console-access'],
  },
  'user.mfa-missing': { securityHub: ['IAM.19'], configRule: ['iam-user-mfa-enabled'] },
  'user.key-unused-since-setup': cis('1.11', '1.10', '2.10'),
  'user.unused-credentials': {
    ...cis('1.12', '1.11', '2.11'),
    securityHub: ['IAM.22'],
    configRule: ['iam-user-unused-credentials-check'],
  },
  'user.multiple-active-keys': cis('1.13', '1.12', '2.12'),
  'user.access-key-not-rotated': {
    ...cis('1.14', '1.13', '2.13'),
    securityHub: ['IAM.3'],
    configRule: ['access-keys-rotated'],
  },
  'user.direct-policy': {
    ...cis('1.15', '1.14', '2.14'),
    securityHub: ['IAM.2'],
    configRule: ['iam-user-no-policies-check'],
  },
  'policy.full-admin': {
    ...cis('1.16', '1.15', '2.15'),
    securityHub: ['IAM.1'],
    configRule: ['iam-policy-no-statements-with-admin-access'],
  },
  'policy.service-wildcard': {
    securityHub: ['IAM.21'],
    configRule: ['iam-policy-no-statements-with-full-access'],
  },
  'account.support-role-missing': {
    ...cis('1.17', '1.16', '2.16'),
    securityHub: ['IAM.18'],
    configRule: ['iam-policy-in-use'],
  },
  'account.expired-server-certificate': {
    ...cis('1.19', '1.18', '2.18'),
    securityHub: ['IAM.26'],
    configRule: ['iam-server-certificate-expiration-check'],
  },
  'account.access-analyzer-disabled': {
    ...cis('1.20', '1.19', '2.19'),
    securityHub: ['IAM.28'],
    configRule: ['iam-external-access-analyzer-enabled'],
  },
  'policy.cloudshell-full-access': {
    ...cis('1.22', '1.21', '2.21'),
    securityHub: ['IAM.27'],
    configRule: ['iam-policy-blacklisted-check'],
  },
  'group.no-users': { configRule: ['iam-group-has-users-check'] },
}

/** Severities aws-facts.md gives for Security Hub controls, kept by the matching rules. */
const FACT_SEVERITIES: Record<string, string> = {
  'root.access-key-present': 'critical',
  'root.mfa-disabled': 'critical',
  'root.hardware-mfa-missing': 'critical',
  'policy.full-admin': 'high',
  'account.access-analyzer-disabled': 'high',
}

describe('rule catalogue', () => {
  test('ids are unique, shaped family.name, and every minimum id is present', () => {
    const ids = RULES.map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length)
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/, id)
    assert.deepEqual(
      MINIMUM_IDS.filter((id) => !ids.includes(id)),
      [],
    )
    for (const id of MINIMUM_IDS) assert.equal(ruleById(id)?.id, id)
  })

  test('control mappings and severities follow aws-facts.md', () => {
    for (const [id, controls] of Object.entries(FACTS)) {
      assert.deepEqual(ruleById(id)?.controls, controls, id)
    }
    for (const [id, severity] of Object.entries(FACT_SEVERITIES))
      assert.equal(ruleById(id)?.severity, severity, id)
  })

  test('no control id is claimed by a rule aws-facts.md does not map to it', () => {
    type Field = keyof ControlMappings
    const claimed = new Map<string, string[]>()
    for (const rule of RULES) {
      for (const [field, list] of Object.entries(rule.controls) as Array<[Field, readonly string[]]>) {
        for (const control of list)
          claimed.set(`${field}:${control}`, [...(claimed.get(`${field}:${control}`) ?? []), rule.id])
      }
    }
    // Security Hub's CloudTrail.1 and Config.1 pages give these (AWS documentation, not aws-facts.md).
    const documented = new Set([
      'cisV3:3.1',
      'cisV5:3.1',
      'cisV3:3.3',
      'securityHub:CloudTrail.1',
      'securityHub:Config.1',
      'configRule:multi-region-cloudtrail-enabled',
    ])
    for (const [key, ids] of claimed) {
      if (documented.has(key)) continue
      const [field, control] = key.split(/:(.*)/s) as [Field, string]
      const fromFacts = Object.entries(FACTS).filter(([, c]) => c[field]?.includes(control))
      assert.deepEqual(ids.sort(), fromFacts.map(([id]) => id).sort(), key)
    }
  })

  test('every rule has one-line text, steps, an AWS documentation link and valid parameter defaults', () => {
    for (const rule of RULES) {
      assert.ok(SEVERITIES.includes(rule.severity), rule.id)
      assert.ok(rule.title.length > 0 && !rule.title.includes('\n'), rule.id)
      assert.ok(rule.rationale.length > 20 && !rule.rationale.includes('\n'), rule.id)
      assert.ok(rule.remediation.steps.length > 0, rule.id)
      assert.match(rule.remediation.docUrl, /^https:\/\/docs\.aws\.amazon\.com\//, rule.id)
      for (const [name, spec] of Object.entries(rule.parameters)) {
        const value = spec.default
        if (spec.type === 'number') {
          assert.equal(typeof value, 'number', `${rule.id}.${name}`)
          assert.ok(spec.min === undefined || (value as number) >= spec.min, `${rule.id}.${name} >= min`)
          assert.ok(spec.max === undefined || (value as number) <= spec.max, `${rule.id}.${name} <= max`)
        } else if (spec.type === 'string[]') assert.ok(Array.isArray(value), `${rule.id}.${name}`)
        else assert.equal(typeof value, spec.type, `${rule.id}.${name}`)
        assert.ok(spec.description.length > 0)
      }
    }
  })

  test('the thresholds named in the issue are the defaults', () => {
    assert.equal(ruleById('root.recently-used')?.parameters.days.default, 90)
    assert.equal(ruleById('user.unused-credentials')?.parameters.days.default, 45)
    assert.equal(ruleById('user.access-key-not-rotated')?.parameters.days.default, 90)
    assert.equal(ruleById('role.unused')?.parameters.days.default, 90)
    const weak = ruleById('password-policy.weak')?.parameters
    assert.deepEqual(
      [weak?.minimumLength.default, weak?.reusePrevention.default, weak?.maxAgeDays.default],
      [14, 24, 90],
    )
  })

  test('guardrail rules: one per guardrail of the policy engine, listed as metadata', () => {
    assert.deepEqual(
      GUARDRAIL_RULES.map((r) => r.id),
      GUARDRAIL_IDS.map((id) => `guardrail.${id}`),
    )
    const metadata = catalogueMetadata()
    assert.equal(metadata.length, RULES.length + GUARDRAIL_IDS.length)
    assert.deepEqual(new Set(metadata.map((m) => m.kind)), new Set(['rule', 'guardrail']))
    // What GET /v1/rules serves is plain JSON: no evaluator, nothing lost in serialization.
    assert.deepEqual(JSON.parse(JSON.stringify(metadata)), metadata)
    assert.ok(metadata.every((m) => !('evaluate' in m)))
  })
})
