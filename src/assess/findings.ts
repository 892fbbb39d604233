import type { AccountState } from '../org/account-state.js'
import type { OrgTree } from '../org/tree.js'
import type { AccountGuardrailReport, IamCatalog } from '../policy/index.js'
import type { Finding, RuleSettings, Severity } from '../rules/index.js'
import { evaluateAccount, fingerprint, GUARDRAIL_RULES, guardrailFinding, ruleById } from '../rules/index.js'
import type { AccountFindings } from '../store/findings-lifecycle.js'

const guardrailSeverity = new Map(GUARDRAIL_RULES.map((r) => [r.id, r.severity]))

/**
 * Every finding of one collected account: the rule catalogue over its state, plus a finding per
 * guardrail that is not enforced. Ages are measured from the collection time, so replaying a
 * snapshot gives the same answer whenever it runs.
 */
export function assessFindings(
  tree: OrgTree,
  state: AccountState,
  guardrails: AccountGuardrailReport,
  iamCatalog: IamCatalog,
  allowedRegions: readonly string[],
  settings: RuleSettings = {},
): AccountFindings & { durationMs: number } {
  const accountId = state.accountId
  const org = tree.snapshot
  const evaluation = evaluateAccount(
    state,
    {
      accountId,
      now: new Date(state.collectedAt),
      orgTree: tree,
      organizationAccountIds: new Set(org.accounts.map((a) => a.id)),
      orgId: org.organization.id,
      managementAccountId: org.organization.managementAccountId,
      iamCatalog,
      allowedRegions,
    },
    settings,
  )
  const partition = org.organization.arn.split(':')[1] ?? 'aws'
  const all: Finding[] = [...evaluation.findings]
  const disabled = new Set(settings.disabledRules ?? [])
  for (const result of guardrails.results) {
    const f = guardrailFinding(accountId, result, partition)
    if (f && disabled.has(f.ruleId)) continue
    if (f) all.push(f)
  }
  return {
    findings: all.map((f) => ({
      fingerprint: fingerprint(f.ruleId, accountId, f.resourceArn),
      ruleId: f.ruleId,
      resourceArn: f.resourceArn,
      severity: f.severity ?? severityOf(f.ruleId),
      title: f.title,
      evidence: f.evidence,
    })),
    // Rules that did not judge this time (unknown or disabled) neither confirm nor resolve.
    unknownRuleIds: [...new Set([...evaluation.unknown.map((u) => u.ruleId), ...disabled])],
    accountName: tree.account(accountId)?.name ?? accountId,
    ouPath: tree.orgPath(accountId),
    durationMs: evaluation.durationMs,
  }
}

function severityOf(ruleId: string): Severity {
  return ruleById(ruleId)?.severity ?? guardrailSeverity.get(ruleId) ?? 'medium'
}
