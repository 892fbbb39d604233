/**
 * Guardrail findings. Guardrail verdicts come from the policy engine (judgeAccountGuardrails);
 * each `not-enforced` verdict becomes a finding `guardrail.<id>` on the account. The catalogue
 * entries here only describe them for `GET /v1/rules`: they have no evaluator of their own.
 */
import { GUARDRAIL_IDS, type GuardrailId, type GuardrailResult } from '../policy/index.js'
import { accountArn } from './support/resources.js'
import type { Finding, RuleMetadata, Severity } from './types.js'

const SCP_DOC =
  'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html'

interface GuardrailText {
  /** Completes "Account <id> …" in a finding's title. */
  finding: string
  title: string
  severity: Severity
  rationale: string
  fix: string
}

const TEXT: Record<GuardrailId, GuardrailText> = {
  'deny-leave-organization': {
    finding: 'can leave the organization',
    title: 'Accounts can leave the organization',
    severity: 'high',
    rationale:
      'An account that leaves the organization sheds every SCP, trail and control the organization gives it.',
    fix: 'Attach an SCP denying organizations:LeaveOrganization at the root or at every OU.',
  },
  'region-allowlist': {
    finding: 'can use regions outside the allowlist',
    title: 'Regions outside the allowlist are usable',
    severity: 'medium',
    rationale: 'Regions nobody watches are where forgotten or malicious resources run unseen.',
    fix: 'Attach a region-deny SCP (aws:RequestedRegion not in the allowed list, global services exempted).',
  },
  'restrict-root-user': {
    finding: 'does not restrict its root user by SCP',
    title: 'The root user is not restricted by SCP',
    severity: 'high',
    rationale:
      'Member-account root users should not be usable for daily work; an SCP can deny them everything.',
    fix: 'Attach an SCP denying * when aws:PrincipalArn is like arn:aws:iam::*:root.',
  },
  'deny-root-access-keys': {
    finding: 'lets its root user create access keys',
    title: 'The root user may create access keys',
    severity: 'high',
    rationale: 'Root access keys are the most dangerous credential an account can have.',
    fix: 'Attach an SCP denying iam:CreateAccessKey when aws:PrincipalArn is like arn:aws:iam::*:root.',
  },
  'protect-cloudtrail': {
    finding: 'lets principals stop or change CloudTrail',
    title: 'CloudTrail can be stopped or changed',
    severity: 'high',
    rationale: 'Whoever can stop the trail can act without a record.',
    fix: 'Attach an SCP denying cloudtrail:StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors, exempting only the platform role.',
  },
  'protect-config': {
    finding: 'lets principals stop or delete AWS Config',
    title: 'AWS Config can be stopped or deleted',
    severity: 'high',
    rationale: 'Stopping the recorder removes configuration history and every Config rule’s view.',
    fix: 'Attach an SCP denying config:StopConfigurationRecorder, DeleteConfigurationRecorder and DeleteDeliveryChannel.',
  },
  'protect-guardduty': {
    finding: 'lets principals disable GuardDuty',
    title: 'GuardDuty can be disabled',
    severity: 'high',
    rationale: 'Disabling GuardDuty or leaving its administrator blinds threat detection.',
    fix: 'Attach an SCP denying guardduty:DeleteDetector, UpdateDetector and the disassociate actions.',
  },
  'protect-security-hub': {
    finding: 'lets principals disable Security Hub',
    title: 'Security Hub can be disabled',
    severity: 'medium',
    rationale: 'Disabling Security Hub or its standards hides findings from the security team.',
    fix: 'Attach an SCP denying securityhub:DisableSecurityHub, BatchDisableStandards and the disassociate actions.',
  },
  'protect-access-analyzer': {
    finding: 'lets principals delete IAM Access Analyzer',
    title: 'IAM Access Analyzer can be deleted',
    severity: 'medium',
    rationale: 'Deleting the analyzer stops the reporting of resources shared outside the account.',
    fix: 'Attach an SCP denying access-analyzer:DeleteAnalyzer.',
  },
  'protect-audit-role': {
    finding: 'lets principals change the Orgwarden audit role',
    title: 'The audit role can be changed',
    severity: 'high',
    rationale: 'Whoever can rewrite the audit role can blind Orgwarden in that account.',
    fix: 'Attach an SCP denying changes to the audit role (iam:*Role* actions on its ARN) except by the platform role.',
  },
}

export const GUARDRAIL_RULE_PREFIX = 'guardrail.'

export const GUARDRAIL_RULES: readonly RuleMetadata[] = GUARDRAIL_IDS.map((id) => ({
  kind: 'guardrail',
  id: `${GUARDRAIL_RULE_PREFIX}${id}`,
  title: TEXT[id].title,
  severity: TEXT[id].severity,
  rationale: TEXT[id].rationale,
  remediation: {
    steps: [
      TEXT[id].fix,
      'Re-run a sweep: the guardrail evidence names the levels and statements that decide.',
    ],
    docUrl: SCP_DOC,
  },
  controls: {},
  parameters: {},
}))

/**
 * The finding for one guardrail verdict of an account; undefined unless it is `not-enforced`
 * (`exempted` names break-glass principals on purpose, `not-applicable` is the management account).
 */
export function guardrailFinding(
  accountId: string,
  result: GuardrailResult,
  partition = 'aws',
): Finding | undefined {
  if (result.verdict !== 'not-enforced') return undefined
  const text = TEXT[result.id]
  return {
    ruleId: `${GUARDRAIL_RULE_PREFIX}${result.id}`,
    resourceArn: accountArn(accountId, partition),
    title: `Account ${accountId} ${text.finding}`,
    evidence: {
      verdict: result.verdict,
      escapes: result.evidence.escapes,
      ...(result.evidence.escapesTruncated ? { escapesTruncated: true } : {}),
      ...(result.evidence.escapingServices ? { escapingServices: result.evidence.escapingServices } : {}),
      ...(result.evidence.escapingRegions ? { escapingRegions: result.evidence.escapingRegions } : {}),
      deciding: result.evidence.deciding,
      ...(result.evidence.note ? { note: result.evidence.note } : {}),
    },
  }
}
