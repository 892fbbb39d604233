/**
 * IAM users: MFA, mixed console and key access (credential report) and policies of their own
 * (GetAccountAuthorizationDetails). Access keys and unused credentials are in user-credentials.ts.
 */
import { entitiesBlocked } from '../support/coverage.js'
import { activeKeys, keyEvidence, overReport } from '../support/report-rows.js'
import type { Finding, Rule } from '../types.js'
import { KEYS_DOC, USER_KEY_RULES } from './user-credentials.js'

const MFA_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html'

export const userConsoleWithoutMfa: Rule = {
  id: 'user.console-without-mfa',
  title: 'Console user without MFA',
  severity: 'high',
  rationale: 'A console password without MFA is one phishing e-mail away from an account takeover.',
  remediation: {
    steps: [
      'Ask the user to assign an MFA device (IAM → Users → Security credentials).',
      'Until then, consider removing the console password or denying actions without aws:MultiFactorAuthPresent.',
    ],
    docUrl: MFA_DOC,
  },
  controls: {
    cisV3: ['1.10'],
    cisV5: ['1.9'],
    cisV6: ['2.9'],
    securityHub: ['IAM.5'],
    configRule: ['mfa-enabled-for-iam-console-access'],
  },
  parameters: {},
  evaluate(state) {
    return overReport(state, (row) =>
      row.passwordEnabled && !row.mfaActive
        ? {
            ruleId: 'user.console-without-mfa',
            resourceArn: row.arn,
            title: `User ${row.user} signs in to the console without MFA`,
            evidence: {
              passwordEnabled: true,
              mfaActive: false,
              passwordLastUsed: row.passwordLastUsed,
            },
          }
        : undefined,
    )
  },
}

export const userMfaMissing: Rule = {
  id: 'user.mfa-missing',
  title: 'IAM user without MFA',
  severity: 'medium',
  rationale:
    'Without an MFA device a user cannot satisfy MFA conditions, and every credential it has stands alone.',
  remediation: {
    steps: [
      'Assign an MFA device to the user, or replace a workload user by an IAM role.',
      'For people, prefer IAM Identity Center, where MFA is enforced centrally.',
    ],
    docUrl: MFA_DOC,
  },
  controls: { securityHub: ['IAM.19'], configRule: ['iam-user-mfa-enabled'] },
  parameters: {},
  evaluate(state) {
    return overReport(state, (row) =>
      row.mfaActive
        ? undefined
        : {
            ruleId: 'user.mfa-missing',
            resourceArn: row.arn,
            title: `User ${row.user} has no MFA device`,
            evidence: {
              mfaActive: false,
              passwordEnabled: row.passwordEnabled,
              activeAccessKeys: activeKeys(row).map((key) => key.n),
            },
          },
    )
  },
}

export const userConsoleAndAccessKey: Rule = {
  id: 'user.console-and-access-key',
  title: 'User has both a console password and an access key',
  severity: 'low',
  rationale:
    'Mixing a person’s console access with workload keys blurs ownership and keeps keys alive past the person.',
  remediation: {
    steps: [
      'Split the workload onto an IAM role (or a dedicated user) and delete the person’s access keys.',
      'People who need the CLI should use IAM Identity Center short-lived credentials.',
    ],
    docUrl: KEYS_DOC,
  },
  controls: {},
  parameters: {},
  evaluate(state, ctx) {
    return overReport(state, (row) => {
      const keys = activeKeys(row)
      if (!row.passwordEnabled || keys.length === 0) return undefined
      return {
        ruleId: 'user.console-and-access-key',
        resourceArn: row.arn,
        title: `User ${row.user} has a console password and ${keys.length} active access key(s)`,
        evidence: {
          passwordLastUsed: row.passwordLastUsed,
          keys: keys.map((key) => keyEvidence(key, ctx.now)),
        },
      }
    })
  },
}

export const userDirectPolicy: Rule = {
  id: 'user.direct-policy',
  title: 'User has policies of its own',
  severity: 'low',
  rationale:
    'Permissions granted user by user escape group reviews and pile up; grant them through groups or roles.',
  remediation: {
    steps: [
      'Put the user in a group (or create one) that carries the permissions it needs.',
      'Detach the managed policies and delete the inline policies listed in the evidence.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#use-groups-for-permissions',
  },
  controls: {
    cisV3: ['1.15'],
    cisV5: ['1.14'],
    cisV6: ['2.14'],
    securityHub: ['IAM.2'],
    configRule: ['iam-user-no-policies-check'],
  },
  parameters: {},
  evaluate(state) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const findings: Finding[] = []
    for (const user of state.users) {
      if (user.inlinePolicies.length === 0 && user.attachedPolicyArns.length === 0) continue
      const inline = user.inlinePolicies.map((policy) => policy.name)
      const attached = user.attachedPolicyArns
      findings.push({
        ruleId: 'user.direct-policy',
        resourceArn: user.arn,
        title: `User ${user.name} has ${describeCounts(inline.length, attached.length)} of its own`,
        evidence: { inlinePolicies: inline, attachedPolicies: attached, groups: user.groups },
      })
    }
    return { findings }
  },
}

function describeCounts(inline: number, attached: number): string {
  const parts: string[] = []
  if (inline > 0) parts.push(`${inline} inline polic${inline === 1 ? 'y' : 'ies'}`)
  if (attached > 0) parts.push(`${attached} attached polic${attached === 1 ? 'y' : 'ies'}`)
  return parts.join(' and ')
}

export const USER_RULES: readonly Rule[] = [
  userConsoleWithoutMfa,
  userMfaMissing,
  ...USER_KEY_RULES,
  userDirectPolicy,
  userConsoleAndAccessKey,
]
