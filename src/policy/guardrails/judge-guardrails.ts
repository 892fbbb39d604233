/**
 * Judge one account's guardrails from its SCP chain. Pure and synchronous: the catalog is built
 * once (from iam-data) and passed in; chain shapes, probe classes and outcomes are cached across
 * calls, so judging a thousand accounts costs little more than judging their distinct chains.
 */

import { principalArnOf } from '../request-context.js'
import { chainShape } from './chain-shape.js'
import { GUARDRAIL_DEFINITIONS, type GuardrailCatalog, probeSetFor } from './guardrail-catalog.js'
import {
  type AccountGuardrailReport,
  GUARDRAIL_IDS,
  type GuardrailId,
  type GuardrailResult,
  type JudgeGuardrailsInput,
} from './guardrail-types.js'
import { AccountProbeContexts, classesFor, runProbes } from './probe-engine.js'
import { isServiceLinkedRoleArn } from './probe-principals.js'
import { GLOBAL_REGION } from './region-data.js'
import { chainHygiene } from './scp-hygiene.js'
import { addRegionEvidence, buildVerdict, emptyEvidence } from './verdict.js'

function notApplicable(id: GuardrailId, note: string): GuardrailResult {
  return { id, verdict: 'not-applicable', evidence: { ...emptyEvidence(), note } }
}

export function judgeAccountGuardrails(
  input: JudgeGuardrailsInput,
  catalog: GuardrailCatalog,
): AccountGuardrailReport {
  const ids = input.guardrails ?? GUARDRAIL_IDS
  const hygiene = chainHygiene(input.scpChain)
  if (input.isManagementAccount) {
    const note = 'SCPs do not apply to the management account'
    return { accountId: input.accountId, results: ids.map((id) => notApplicable(id, note)), hygiene }
  }

  const rcpChain = input.rcpChain ?? []
  const shape = chainShape(input.scpChain, rcpChain)
  // Statement levels index the SCP levels, then the RCP levels.
  const levels = rcpChain.length > 0 ? [...input.scpChain, ...rcpChain] : input.scpChain
  const contexts = new AccountProbeContexts(input.accountId, input.orgId, input.orgPaths)
  // SCPs never restrict service-linked roles, so probing them would only add noise.
  const principals = input.principals.filter(
    (p) =>
      p.principal.kind === 'root' ||
      p.principal.kind === 'user' ||
      !isServiceLinkedRoleArn(principalArnOf(p.principal)),
  )
  const roots = principals.filter((p) => p.principal.kind === 'root')
  const allowed = new Set(input.allowedRegions)
  const allowedRegions = input.allowedRegions.length > 0 ? input.allowedRegions : [GLOBAL_REGION]

  const results: GuardrailResult[] = []
  for (const id of ids) {
    if (id === 'region-allowlist') {
      if (allowed.size === 0) {
        results.push(notApplicable(id, 'no allowed regions are configured'))
        continue
      }
      const regions = catalog.regions.filter((r) => !allowed.has(r))
      const outcomes = runProbes(shape, catalog.regional, regions, principals, contexts)
      const result = buildVerdict(id, outcomes, shape, levels)
      addRegionEvidence(result, outcomes, classesFor(shape, catalog.regional).services)
      if (catalog.unprobedServices.length > 0) result.evidence.unprobedServices = catalog.unprobedServices
      results.push(result)
      continue
    }
    const def = GUARDRAIL_DEFINITIONS.find((d) => d.id === id)
    if (!def) continue
    const probing = def.rootOnly ? roots : principals
    if (probing.length === 0) {
      results.push(
        notApplicable(id, def.rootOnly ? 'no root-user probe principal given' : 'no probe principals given'),
      )
      continue
    }
    const regions = def.scope === 'global' ? [GLOBAL_REGION] : allowedRegions
    const outcomes = runProbes(
      shape,
      probeSetFor(catalog, def, input.auditRoleName),
      regions,
      probing,
      contexts,
    )
    results.push(buildVerdict(id, outcomes, shape, levels))
  }
  return { accountId: input.accountId, results, hygiene }
}
