/**
 * IAM users' access keys and unused credentials, from the credential report: rotation, a second
 * active key, keys never used since they were created, credentials nobody uses any more.
 */
import { atLeastDaysAgo, daysSince } from '../support/dates.js'
import { booleanParam, numberParam } from '../support/params.js'
import { activeKeys, keyEvidence, overReport } from '../support/report-rows.js'
import type { Rule } from '../types.js'

export const KEYS_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'

export const userUnusedCredentials: Rule = {
  id: 'user.unused-credentials',
  title: 'Unused user credentials are still enabled',
  severity: 'medium',
  rationale: 'Credentials nobody uses are forgotten, never rotated and an easy target.',
  remediation: {
    steps: [
      'Confirm with the owner that the credential is not needed.',
      'Remove the console password and deactivate (then delete) the access keys listed in the evidence.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
  },
  controls: {
    cisV3: ['1.12'],
    cisV5: ['1.11'],
    cisV6: ['2.11'],
    securityHub: ['IAM.22'],
    configRule: ['iam-user-unused-credentials-check'],
  },
  parameters: {
    days: {
      type: 'number',
      default: 45,
      min: 1,
      max: 400,
      description: 'Credentials unused this long are stale.',
    },
  },
  evaluate(state, ctx, params) {
    const days = numberParam(params, 'days')
    return overReport(state, (row) => {
      const stale: Array<Record<string, unknown>> = []
      if (row.passwordEnabled) {
        const used = row.passwordLastUsedStatus === 'used'
        // Never used: the clock starts when the password was set.
        const since = used ? row.passwordLastUsed : (row.passwordLastChanged ?? row.userCreationTime)
        if (atLeastDaysAgo(since, days, ctx.now)) {
          stale.push({ credential: 'password', lastUsed: used ? row.passwordLastUsed : null, since })
        }
      }
      for (const key of activeKeys(row)) {
        const since = key.lastUsedDate ?? key.lastRotated
        if (atLeastDaysAgo(since, days, ctx.now)) {
          stale.push({ credential: `access key ${key.n}`, lastUsed: key.lastUsedDate, since })
        }
      }
      if (stale.length === 0) return undefined
      return {
        ruleId: 'user.unused-credentials',
        resourceArn: row.arn,
        title: `User ${row.user} has credentials unused for ${days} days or more`,
        evidence: { unusedForDays: days, credentials: stale },
      }
    })
  },
}

export const userAccessKeyNotRotated: Rule = {
  id: 'user.access-key-not-rotated',
  title: 'Access key not rotated',
  severity: 'medium',
  rationale: 'The older a key, the more places it has been copied to and the longer a leak stays useful.',
  remediation: {
    steps: [
      'Create a second key, move the workload to it, then deactivate and delete the old key.',
      'Better: replace the user by an IAM role so no long-lived key is needed.',
    ],
    docUrl:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
  },
  controls: {
    cisV3: ['1.14'],
    cisV5: ['1.13'],
    cisV6: ['2.13'],
    securityHub: ['IAM.3'],
    configRule: ['access-keys-rotated'],
  },
  parameters: {
    days: {
      type: 'number',
      default: 90,
      min: 1,
      max: 1095,
      description: 'Active keys older than this are a finding.',
    },
  },
  evaluate(state, ctx, params) {
    const days = numberParam(params, 'days')
    return overReport(state, (row) => {
      const old = activeKeys(row).filter((key) => atLeastDaysAgo(key.lastRotated, days, ctx.now))
      if (old.length === 0) return undefined
      const ages = old.map((key) => daysSince(key.lastRotated, ctx.now) ?? 0)
      return {
        ruleId: 'user.access-key-not-rotated',
        resourceArn: row.arn,
        title: `User ${row.user} has an access key ${Math.max(...ages)} days old`,
        evidence: { maxAgeDays: days, keys: old.map((key) => keyEvidence(key, ctx.now)) },
      }
    })
  },
}

export const userMultipleActiveKeys: Rule = {
  id: 'user.multiple-active-keys',
  title: 'User has two active access keys',
  severity: 'medium',
  rationale: 'Two active keys double the exposure; outside a short rotation window one of them is forgotten.',
  remediation: {
    steps: [
      'Find which key is in use (last used dates in the evidence).',
      'Deactivate the other one, watch for errors, then delete it.',
    ],
    docUrl: KEYS_DOC,
  },
  controls: { cisV3: ['1.13'], cisV5: ['1.12'], cisV6: ['2.12'] },
  parameters: {},
  evaluate(state, ctx) {
    return overReport(state, (row) => {
      const keys = activeKeys(row)
      if (keys.length < 2) return undefined
      return {
        ruleId: 'user.multiple-active-keys',
        resourceArn: row.arn,
        title: `User ${row.user} has ${keys.length} active access keys`,
        evidence: { keys: keys.map((key) => keyEvidence(key, ctx.now)) },
      }
    })
  },
}

export const userKeyUnusedSinceSetup: Rule = {
  id: 'user.key-unused-since-setup',
  title: 'Access key never used since it was created',
  severity: 'low',
  rationale: 'Keys created "just in case" at user setup are never used, never rotated and never missed.',
  remediation: {
    steps: ['Deactivate and delete the unused key; create keys only when a workload needs one.'],
    docUrl: KEYS_DOC,
  },
  controls: { cisV3: ['1.11'], cisV5: ['1.10'], cisV6: ['2.10'] },
  parameters: {
    graceDays: {
      type: 'number',
      default: 1,
      min: 0,
      max: 90,
      description: 'Keys younger than this are not judged (the report may not show their first use yet).',
    },
    consoleUsersOnly: {
      type: 'boolean',
      default: true,
      description: 'Judge only users with a console password, as CIS does.',
    },
  },
  evaluate(state, ctx, params) {
    const graceDays = numberParam(params, 'graceDays')
    const consoleUsersOnly = booleanParam(params, 'consoleUsersOnly')
    return overReport(state, (row) => {
      if (consoleUsersOnly && !row.passwordEnabled) return undefined
      const unused = activeKeys(row).filter(
        (key) => key.lastUsedDate === null && atLeastDaysAgo(key.lastRotated, graceDays, ctx.now),
      )
      if (unused.length === 0) return undefined
      return {
        ruleId: 'user.key-unused-since-setup',
        resourceArn: row.arn,
        title: `User ${row.user} has an active access key that was never used`,
        evidence: {
          passwordEnabled: row.passwordEnabled,
          keys: unused.map((key) => keyEvidence(key, ctx.now)),
        },
      }
    })
  },
}

export const USER_KEY_RULES: readonly Rule[] = [
  userUnusedCredentials,
  userAccessKeyNotRotated,
  userMultipleActiveKeys,
  userKeyUnusedSinceSetup,
]
