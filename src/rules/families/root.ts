/**
 * The root user: no access keys, MFA on (a hardware device), and no daily use. Data comes from
 * the credential report's `<root_account>` row, with GetAccountSummary as the fallback for keys
 * and MFA (it is read separately and often survives a report that failed).
 */
import type { AccountState, CredentialReportRow } from '../../org/account-state.js'
import { unknown } from '../support/coverage.js'
import { daysSince, withinDays } from '../support/dates.js'
import { numberParam } from '../support/params.js'
import { accountArn, partitionOf } from '../support/resources.js'
import type { Finding, Rule } from '../types.js'

const ROOT_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html'

function rootArn(state: AccountState): string {
  return state.root?.arn || accountArn(state.accountId, partitionOf(state))
}

function rootFinding(state: AccountState, ruleId: string, title: string, evidence: Record<string, unknown>) {
  return { ruleId, resourceArn: rootArn(state), title, evidence }
}

function activeKeys(row: CredentialReportRow) {
  return row.accessKeys
    .filter((key) => key.active)
    .map((key) => ({ key: key.n, lastRotated: key.lastRotated, lastUsedDate: key.lastUsedDate }))
}

export const rootAccessKeyPresent: Rule = {
  id: 'root.access-key-present',
  title: 'Root user has an access key',
  severity: 'critical',
  rationale:
    'A root access key is a long-lived credential with unrestricted access that SCPs cannot limit in the management account.',
  remediation: {
    steps: [
      'Sign in as the root user and open Security credentials.',
      'Deactivate, then delete every access key of the root user.',
      'Move any automation that used the key to an IAM role.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
  },
  controls: {
    cisV3: ['1.4'],
    cisV5: ['1.3'],
    cisV6: ['2.3'],
    securityHub: ['IAM.4'],
    configRule: ['iam-root-access-key-check'],
  },
  parameters: {},
  evaluate(state) {
    const findings: Finding[] = []
    const title = `Root user of account ${state.accountId} has an active access key`
    if (state.root) {
      const keys = activeKeys(state.root)
      if (keys.length > 0)
        findings.push(
          rootFinding(state, 'root.access-key-present', title, { source: 'credential report', keys }),
        )
      return { findings }
    }
    if (!state.accountSummary)
      return unknown('neither the credential report nor the account summary was read')
    if (state.accountSummary.accountAccessKeysPresent) {
      findings.push(
        rootFinding(state, 'root.access-key-present', title, {
          source: 'account summary',
          AccountAccessKeysPresent: 1,
        }),
      )
    }
    return { findings }
  },
}

export const rootMfaDisabled: Rule = {
  id: 'root.mfa-disabled',
  title: 'Root user has no MFA',
  severity: 'critical',
  rationale: 'Without MFA, the root user falls to a single leaked password.',
  remediation: {
    steps: [
      'Sign in as the root user and open Security credentials.',
      'Assign an MFA device, preferably a hardware (FIDO) key kept in a safe.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
  },
  controls: {
    cisV3: ['1.5'],
    cisV5: ['1.4'],
    cisV6: ['2.4'],
    securityHub: ['IAM.9'],
    configRule: ['root-account-mfa-enabled'],
  },
  parameters: {},
  evaluate(state) {
    // The summary's AccountMFAEnabled is about the root user; the report row is the fallback.
    const enabled = state.accountSummary?.accountMfaEnabled ?? state.root?.mfaActive ?? null
    if (enabled === null) return unknown('neither the account summary nor the credential report was read')
    if (enabled) return { findings: [] }
    const evidence = {
      AccountMFAEnabled: state.accountSummary ? 0 : undefined,
      mfaActive: state.root ? state.root.mfaActive : undefined,
    }
    return {
      findings: [
        rootFinding(
          state,
          'root.mfa-disabled',
          `Root user of account ${state.accountId} has no MFA`,
          stripUndefined(evidence),
        ),
      ],
    }
  },
}

export const rootHardwareMfaMissing: Rule = {
  id: 'root.hardware-mfa-missing',
  title: 'Root user has no hardware MFA',
  severity: 'critical',
  rationale: 'A virtual MFA lives on a phone or laptop that can be lost, cloned or compromised with it.',
  remediation: {
    steps: [
      'Buy a FIDO security key or hardware TOTP token for the account (and a spare).',
      'Sign in as the root user, assign the hardware device and remove the virtual one.',
      'Store the device where the break-glass procedure says.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_fido.html',
  },
  controls: {
    cisV3: ['1.6'],
    cisV5: ['1.5'],
    cisV6: ['2.5'],
    securityHub: ['IAM.6'],
    configRule: ['root-account-hardware-mfa-enabled'],
  },
  parameters: {},
  evaluate(state) {
    if (state.rootMfa === 'unknown') return unknown('the kind of the root MFA device could not be determined')
    if (state.rootMfa === 'hardware') return { findings: [] }
    const title =
      state.rootMfa === 'virtual'
        ? `Root user of account ${state.accountId} uses a virtual MFA device, not a hardware one`
        : `Root user of account ${state.accountId} has no hardware MFA device (no MFA at all)`
    const device = state.virtualMfaDevices.find((d) => d.userArn?.endsWith(':root'))
    return {
      findings: [
        rootFinding(state, 'root.hardware-mfa-missing', title, {
          rootMfa: state.rootMfa,
          ...(device ? { virtualDevice: device.serialNumber, enabled: device.enableDate } : {}),
        }),
      ],
    }
  },
}

export const rootRecentlyUsed: Rule = {
  id: 'root.recently-used',
  title: 'Root user was used recently',
  severity: 'high',
  rationale:
    'The root user is for the few tasks only it can do; recent use suggests daily work or a leaked credential.',
  remediation: {
    steps: [
      'Find what the root user did in CloudTrail (userIdentity.type = Root) around the dates in the evidence.',
      'Move that work to IAM roles or Identity Center permission sets.',
      'If the use was not expected, rotate the root password and MFA and treat it as an incident.',
    ],
    docUrl: ROOT_DOC,
  },
  controls: { cisV3: ['1.7'], cisV5: ['1.6'], cisV6: ['2.6'] },
  parameters: {
    days: {
      type: 'number',
      default: 90,
      min: 1,
      max: 400,
      description: 'Use within this many days is a finding.',
    },
  },
  evaluate(state, ctx, params) {
    const days = numberParam(params, 'days')
    const root = state.root
    if (!root) return unknown('the credential report was not read, so the root user’s last use is unknown')
    const uses: Array<{ credential: string; lastUsed: string; daysAgo: number | null }> = []
    if (root.passwordLastUsedStatus === 'used' && withinDays(root.passwordLastUsed, days, ctx.now)) {
      uses.push({
        credential: 'password',
        lastUsed: root.passwordLastUsed!,
        daysAgo: daysSince(root.passwordLastUsed, ctx.now),
      })
    }
    for (const key of root.accessKeys) {
      if (withinDays(key.lastUsedDate, days, ctx.now)) {
        uses.push({
          credential: `access key ${key.n}`,
          lastUsed: key.lastUsedDate!,
          daysAgo: daysSince(key.lastUsedDate, ctx.now),
        })
      }
    }
    if (uses.length === 0) return { findings: [] }
    const title = `Root user of account ${state.accountId} was used ${Math.min(...uses.map((u) => u.daysAgo ?? 0))} days ago`
    return { findings: [rootFinding(state, 'root.recently-used', title, { withinDays: days, uses })] }
  },
}

function stripUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))
}

export const ROOT_RULES: readonly Rule[] = [
  rootAccessKeyPresent,
  rootMfaDisabled,
  rootHardwareMfaMissing,
  rootRecentlyUsed,
]
