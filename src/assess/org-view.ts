import type { OrgTree } from '../org/tree.js'
import type { OrgPolicy } from '../org/types.js'
import { type HygieneFinding, levelHygiene, unattachedPolicies } from '../policy/index.js'

export interface OrgNodeView {
  id: string
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT'
  name: string
  status?: string
  policies: Array<{ id: string; name: string; type: OrgPolicy['type']; awsManaged: boolean }>
  /** SCP hygiene of what is attached at this node: no Allow, size, count, invalid documents. */
  hygiene: HygieneFinding[]
  children: OrgNodeView[]
}

/**
 * The organization as a tree with the policies attached at each node and the SCP hygiene of
 * every node: what a portal draws, and where a level without an Allow blocks everything below.
 */
export function orgView(tree: OrgTree) {
  const byTarget = new Map<string, OrgPolicy[]>()
  for (const p of tree.snapshot.policies) {
    for (const t of p.targets) byTarget.set(t, [...(byTarget.get(t) ?? []), p])
  }
  const scpsOn = tree.isPolicyTypeEnabled('SERVICE_CONTROL_POLICY')

  function node(id: string): OrgNodeView {
    const n = tree.node(id)!
    const attached = byTarget.get(id) ?? []
    const scps = attached.filter((p) => p.type === 'SERVICE_CONTROL_POLICY')
    const hygiene =
      scpsOn && !(n.type === 'ACCOUNT' && tree.isManagementAccount(id))
        ? levelHygiene({
            targetId: id,
            name: n.name,
            policies: scps.map((p) => ({ id: p.id, name: p.name, document: p.content })),
          })
        : []
    return {
      id,
      type: n.type,
      name: n.name,
      ...(n.type === 'ACCOUNT' ? { status: tree.account(id)?.status } : {}),
      policies: attached.map((p) => ({ id: p.id, name: p.name, type: p.type, awsManaged: p.awsManaged })),
      hygiene,
      children: tree.children(id).map(node),
    }
  }

  return {
    organization: tree.snapshot.organization,
    roots: tree.snapshot.roots.map((r) => node(r.id)),
    unattachedPolicies: unattachedPolicies(tree.snapshot.policies.filter((p) => !p.awsManaged)),
  }
}
