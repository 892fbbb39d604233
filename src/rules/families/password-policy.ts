/**
 * The account password policy (IAM users' console passwords). GetAccountPasswordPolicy's
 * NoSuchEntity is normalized to `passwordPolicy: null` without a gap: that is the finding.
 */
import type { PasswordPolicy } from '../../org/account-state.js'
import { blockedBy } from '../support/coverage.js'
import { booleanParam, numberParam } from '../support/params.js'
import { partitionOf, passwordPolicyArn } from '../support/resources.js'
import type { ControlMappings, ParameterSpec, Remediation, Rule, RuleParameters } from '../types.js'

const API = 'iam:GetAccountPasswordPolicy'

const CONTROLS: ControlMappings = {
  cisV3: ['1.8', '1.9'],
  cisV5: ['1.7', '1.8'],
  cisV6: ['2.7', '2.8'],
  securityHub: ['IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.15', 'IAM.16', 'IAM.17'],
  configRule: ['iam-password-policy'],
}

const REMEDIATION: Remediation = {
  steps: [
    'Open IAM → Account settings → Password policy, or run `aws iam update-account-password-policy`.',
    'Require at least 14 characters, upper and lower case, numbers and symbols.',
    'Prevent reuse of the last 24 passwords and expire passwords within 90 days.',
  ],
  docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
}

const PARAMETERS: Record<string, ParameterSpec> = {
  minimumLength: {
    type: 'number',
    default: 14,
    min: 6,
    max: 128,
    description: 'Shortest acceptable MinimumPasswordLength.',
  },
  reusePrevention: {
    type: 'number',
    default: 24,
    min: 1,
    max: 24,
    description: 'Smallest acceptable PasswordReusePrevention.',
  },
  maxAgeDays: {
    type: 'number',
    default: 90,
    min: 1,
    max: 1095,
    description: 'Longest acceptable MaxPasswordAge; passwords must expire.',
  },
  requireSymbols: { type: 'boolean', default: true, description: 'Require RequireSymbols.' },
  requireNumbers: { type: 'boolean', default: true, description: 'Require RequireNumbers.' },
  requireUppercase: { type: 'boolean', default: true, description: 'Require RequireUppercaseCharacters.' },
  requireLowercase: { type: 'boolean', default: true, description: 'Require RequireLowercaseCharacters.' },
}

export const passwordPolicyMissing: Rule = {
  id: 'password-policy.missing',
  title: 'Account has no password policy',
  severity: 'medium',
  rationale: 'Without a policy IAM accepts 8-character passwords with no complexity, reuse limit or expiry.',
  remediation: REMEDIATION,
  controls: CONTROLS,
  parameters: {},
  evaluate(state) {
    const blocked = blockedBy(state, API)
    if (blocked) return blocked
    if (state.passwordPolicy !== null) return { findings: [] }
    return {
      findings: [
        {
          ruleId: 'password-policy.missing',
          resourceArn: passwordPolicyArn(state.accountId, partitionOf(state)),
          title: `Account ${state.accountId} has no IAM password policy`,
          evidence: { passwordPolicy: null, api: `${API} returned NoSuchEntity` },
        },
      ],
    }
  },
}

export interface PasswordPolicyFailure {
  parameter: string
  actual: number | boolean | null
  required: string
}

/** Every parameter of the policy that falls short of the rule's parameters. */
export function passwordPolicyFailures(
  policy: PasswordPolicy,
  params: RuleParameters,
): PasswordPolicyFailure[] {
  const failures: PasswordPolicyFailure[] = []
  const minimumLength = numberParam(params, 'minimumLength')
  if ((policy.minimumPasswordLength ?? 0) < minimumLength) {
    failures.push({
      parameter: 'MinimumPasswordLength',
      actual: policy.minimumPasswordLength,
      required: `>= ${minimumLength}`,
    })
  }
  const reuse = numberParam(params, 'reusePrevention')
  if ((policy.passwordReusePrevention ?? 0) < reuse) {
    failures.push({
      parameter: 'PasswordReusePrevention',
      actual: policy.passwordReusePrevention,
      required: `>= ${reuse}`,
    })
  }
  const maxAge = numberParam(params, 'maxAgeDays')
  if (!policy.expirePasswords || policy.maxPasswordAge === null) {
    failures.push({
      parameter: 'MaxPasswordAge',
      actual: null,
      required: `passwords expire within ${maxAge} days`,
    })
  } else if (policy.maxPasswordAge > maxAge) {
    failures.push({ parameter: 'MaxPasswordAge', actual: policy.maxPasswordAge, required: `<= ${maxAge}` })
  }
  const classes: Array<[string, string, boolean]> = [
    ['requireSymbols', 'RequireSymbols', policy.requireSymbols],
    ['requireNumbers', 'RequireNumbers', policy.requireNumbers],
    ['requireUppercase', 'RequireUppercaseCharacters', policy.requireUppercaseCharacters],
    ['requireLowercase', 'RequireLowercaseCharacters', policy.requireLowercaseCharacters],
  ]
  for (const [param, parameter, actual] of classes) {
    if (booleanParam(params, param) && !actual) failures.push({ parameter, actual, required: 'true' })
  }
  return failures
}

export const passwordPolicyWeak: Rule = {
  id: 'password-policy.weak',
  title: 'Password policy is weaker than required',
  severity: 'medium',
  rationale: 'Short, simple, reusable or never-expiring passwords are guessed and replayed.',
  remediation: REMEDIATION,
  controls: CONTROLS,
  parameters: PARAMETERS,
  evaluate(state, _ctx, params) {
    const blocked = blockedBy(state, API)
    if (blocked) return blocked
    // A missing policy is password-policy.missing's finding, not this one's.
    if (state.passwordPolicy === null) return { findings: [] }
    const failures = passwordPolicyFailures(state.passwordPolicy, params)
    if (failures.length === 0) return { findings: [] }
    return {
      findings: [
        {
          ruleId: 'password-policy.weak',
          resourceArn: passwordPolicyArn(state.accountId, partitionOf(state)),
          title: `Password policy of account ${state.accountId} fails ${failures.map((f) => f.parameter).join(', ')}`,
          evidence: { failures },
        },
      ],
    }
  },
}

export const PASSWORD_POLICY_RULES: readonly Rule[] = [passwordPolicyMissing, passwordPolicyWeak]
