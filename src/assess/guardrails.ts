import type { AccountState } from '../org/account-state.js'
import type { OrgTree } from '../org/tree.js'
import {
  type AccountGuardrailReport,
  buildGuardrailCatalog,
  type GuardrailCatalog,
  genericProbePrincipals,
  type IamCatalog,
  judgeAccountGuardrails,
  loadIamCatalog,
  probePrincipalFromArn,
} from '../policy/index.js'

export interface GuardrailSettings {
  allowedRegions: readonly string[]
  auditRoleName: string
}

/** The iam-data catalog and the guardrail probe sets: built once per process, on first use. */
export function createPolicyCatalogs() {
  let iam: Promise<IamCatalog> | undefined
  let guardrails: Promise<GuardrailCatalog> | undefined
  const loadIam = () => {
    iam ??= loadIamCatalog()
    return iam
  }
  return {
    iam: loadIam,
    guardrails: () => {
      guardrails ??= loadIam().then((c) => buildGuardrailCatalog(c))
      return guardrails
    },
  }
}

export type PolicyCatalogs = ReturnType<typeof createPolicyCatalogs>

/**
 * Judges every guardrail of one account through its SCP chain, and its RCP chain where RCPs
 * govern the probed request (a deny-only RCP region allowlist protects S3, KMS, ... resources). The probe principals are the
 * generic ones (root, any user, any role) plus every real user and role collected in the account
 * (service-linked roles are left out by `probePrincipalFromArn`: SCPs do not apply to them).
 * Without collected state (an unreachable account) the generic probes still give a verdict.
 */
export function judgeGuardrails(
  tree: OrgTree,
  accountId: string,
  state: AccountState | undefined,
  catalog: GuardrailCatalog,
  settings: GuardrailSettings,
): AccountGuardrailReport {
  const chainOf = (type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY') =>
    tree.policyChain(accountId, type).map((level) => ({
      targetId: level.targetId,
      name: level.name,
      policies: level.policies.map((p) => ({ id: p.id, name: p.name, document: p.content })),
    }))
  const chain = chainOf('SERVICE_CONTROL_POLICY')
  const real = [
    ...(state?.users ?? []).map((u) => probePrincipalFromArn(u.arn, u.tags)),
    ...(state?.roles ?? []).map((r) => probePrincipalFromArn(r.arn, r.tags)),
  ].filter((p) => p !== undefined)
  const scpsOff = !tree.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY')
  return judgeAccountGuardrails(
    {
      accountId,
      // With SCPs disabled for the organization nothing is enforced; judging it as the management
      // account would wrongly say "not applicable", so only the real management account is.
      isManagementAccount: tree.isManagementAccount(accountId),
      scpChain: scpsOff ? [] : chain,
      // An RCP deny is credited where RCPs govern the probe (see chain-shape.ts).
      rcpChain: tree.isPolicyTypeEnabled('RESOURCE_CONTROL_POLICY') ? chainOf('RESOURCE_CONTROL_POLICY') : [],
      principals: [...genericProbePrincipals(accountId), ...real],
      allowedRegions: settings.allowedRegions,
      auditRoleName: settings.auditRoleName,
      orgId: tree.snapshot.organization.id,
      orgPaths: [tree.orgPath(accountId)],
    },
    catalog,
  )
}
