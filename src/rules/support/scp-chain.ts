/**
 * An account's SCP chain in the evaluator's form, built from the organization tree. Each SCP is
 * parsed once per tree (the same policy sits on many levels and accounts).
 */
import type { OrgTree } from '../../org/tree.js'
import type { OrgPolicy } from '../../org/types.js'
import { type ChainLevel, type ParsedPolicy, parsePolicy } from '../../policy/index.js'
import type { RuleContext } from '../types.js'

const parsed = new WeakMap<OrgPolicy, ParsedPolicy | null>()
const chains = new WeakMap<OrgTree, Map<string, ChainLevel[]>>()

function parseScp(policy: OrgPolicy): ParsedPolicy | null {
  let known = parsed.get(policy)
  if (known === undefined) {
    const result = parsePolicy(policy.content, 'scp')
    // AWS refuses to store an invalid SCP, so one that does not parse is our snapshot's problem;
    // it is left out and the chain is judged without it.
    known = result.ok ? result.policy : null
    parsed.set(policy, known)
  }
  return known
}

/**
 * Root first, account last; empty when SCPs are not enabled (nothing restricts) or the account is
 * not in the tree.
 */
export function scpChainFor(tree: OrgTree, accountId: string): ChainLevel[] {
  let byAccount = chains.get(tree)
  if (!byAccount) {
    byAccount = new Map()
    chains.set(tree, byAccount)
  }
  const known = byAccount.get(accountId)
  if (known) return known
  let chain: ChainLevel[] = []
  if (tree.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY') && tree.account(accountId)) {
    chain = tree.policyChain(accountId, 'SERVICE_CONTROL_POLICY').map((level) => ({
      targetId: level.targetId,
      name: level.name,
      policies: level.policies.flatMap((policy) => {
        const doc = parseScp(policy)
        return doc ? [{ id: policy.id, name: policy.name, policy: doc }] : []
      }),
    }))
  }
  byAccount.set(accountId, chain)
  return chain
}

/**
 * The chain the context gives, or the one its tree implies; undefined when neither is known (no
 * tree, or a tree without the account), so callers can say the chain was not considered.
 */
export function contextScpChain(ctx: RuleContext): readonly ChainLevel[] | undefined {
  if (ctx.scpChain) return ctx.scpChain
  if (ctx.orgTree?.account(ctx.accountId)) return scpChainFor(ctx.orgTree, ctx.accountId)
  return undefined
}

export function contextManagementAccount(ctx: RuleContext): string | undefined {
  return ctx.managementAccountId ?? ctx.orgTree?.snapshot.organization.managementAccountId
}
