/**
 * Runs probe sets through a chain fast enough for a thousand accounts.
 *
 * - Probes are grouped per chain shape into classes: probes whose action selects the same
 *   statements (and no resource-scoped one) get the same answer for the same context, so four
 *   hundred regional services collapse into a handful of evaluations.
 * - Principals are grouped per shape by their answers to the chain's principal conditions (or,
 *   where a condition mixes the region with other keys, by the values of the keys the chain
 *   reads): with no principal-dependent condition, root, users and roles are decided once
 *   together, and an exemption by role ARN makes two groups, not one per principal.
 * - Answers are memoised across accounts when they do not depend on the account (a chain whose
 *   conditions read only the region answers once for every account that shares it).
 */

import { parseArn } from '../arn.js'
import { statementApplies } from '../compile-policy.js'
import { contextMap, type PreparedRequest } from '../prepared-request.js'
import { buildRequestContext, describePrincipal } from '../request-context.js'
import {
  type ChainOutcome,
  type ChainShape,
  type ProbeClass,
  type ProbeClasses,
  REGION_KEY,
} from './chain-shape.js'
import type { ProbePrincipal } from './guardrail-types.js'
import type { ProbeSet, ProbeSpec } from './probe-specs.js'

/**
 * A principal's request context. The region entry is overwritten in place per probe region
 * (evaluation is synchronous), so one Map serves every region.
 */
export class ProbeContext {
  private readonly keyByShape = new Map<string, string>()
  constructor(
    readonly principal: ProbePrincipal,
    readonly context: Map<string, string[]>,
  ) {}

  setRegion(region: string): void {
    if (this.context.get(REGION_KEY)?.[0] !== region) this.context.set(REGION_KEY, [region])
  }

  get region(): string {
    return this.context.get(REGION_KEY)?.[0] ?? ''
  }

  /**
   * What decides this principal's outcomes in a shape, region aside: principals with equal keys
   * decide alike. Its answers to the shape's principal conditions where they can be told apart
   * from the region (`ChainShape.principalTests`), else the values of every key the shape reads.
   */
  keyFor(shape: ChainShape): string {
    let key = this.keyByShape.get(shape.key)
    if (key === undefined) {
      const tests = shape.principalTests
      key = tests
        ? tests.map((test) => (test(this.context) ? '1' : '0')).join('')
        : shape.principalKeys.map((k) => (this.context.get(k) ?? []).join('\u0002')).join('\u0003')
      this.keyByShape.set(shape.key, key)
    }
    return key
  }
}

/** One account's probe principals and their contexts, built once per principal. */
export class AccountProbeContexts {
  private readonly cache = new Map<string, ProbeContext>()
  constructor(
    readonly accountId: string,
    private readonly orgId?: string,
    private readonly orgPaths?: string[],
  ) {}

  get(principal: ProbePrincipal): ProbeContext {
    let pc = this.cache.get(principal.id)
    if (!pc) {
      const description = { ...principal.principal }
      if (this.orgId && !description.orgId) description.orgId = this.orgId
      if (this.orgPaths && !description.orgPaths) description.orgPaths = this.orgPaths
      pc = new ProbeContext(
        principal,
        contextMap(buildRequestContext({ principal: description, action: '' })),
      )
      this.cache.set(principal.id, pc)
    }
    return pc
  }
}

export function classesFor(shape: ChainShape, set: ProbeSet): ProbeClasses {
  const known = shape.classes.get(set.key)
  if (known) return known
  const byKey = new Map<string, ProbeClass>()
  const volatile: ProbeSpec[] = []
  for (const probe of set.probes) {
    const sig = new Uint8Array(shape.statements.length)
    let isVolatile = false
    shape.statements.forEach((s, i) => {
      if (s.rcp && !probe.rcp) return
      if (!s.stmt.action(probe.actionLower, probe.service)) return
      if (!s.stmt.resourceAgnostic) isVolatile = true
      sig[i] = 1
    })
    if (isVolatile) {
      volatile.push(probe)
      continue
    }
    const sigKey = sig.join('')
    let cls = byKey.get(sigKey)
    if (!cls) {
      cls = { sig, sigKey, probes: [], actions: [], services: [] }
      byKey.set(sigKey, cls)
    }
    cls.probes.push(probe)
    cls.actions.push(probe.action)
  }
  const stable = [...byKey.values()]
  for (const cls of stable) cls.services = [...new Set(cls.probes.map((p) => p.service))].sort()
  const services = Object.freeze([...new Set(set.probes.map((p) => p.service))].sort()) as string[]
  const classes: ProbeClasses = { stable, volatile, services }
  shape.classes.set(set.key, classes)
  return classes
}

function conclude(levelAllowed: boolean[], denies: number[]): ChainOutcome {
  if (denies.length > 0) return { allowed: false, denies, blockedLevel: -1 }
  const blocked = levelAllowed.indexOf(false)
  return { allowed: blocked < 0, denies, blockedLevel: blocked }
}

const MEMO_LIMIT = 100_000

/** Decide a class of probes: only the conditions of its selected statements are left to test. */
function decideClass(
  shape: ChainShape,
  cls: ProbeClass,
  pc: ProbeContext,
  memoKey: string | undefined,
): ChainOutcome {
  const key = memoKey === undefined ? undefined : `${memoKey}\u0001${cls.sigKey}`
  if (key !== undefined) {
    const known = shape.memo.get(key)
    if (known) return known
  }
  const levelAllowed = new Array<boolean>(shape.levelCount).fill(false)
  const denies: number[] = []
  const { sig } = cls
  for (let i = 0; i < sig.length; i++) {
    if (sig[i] === 0) continue
    const s = shape.statements[i]
    if (s.stmt.conditions && !s.stmt.conditions.test(pc.context)) continue
    if (s.stmt.effect === 'Deny') denies.push(i)
    else levelAllowed[s.level] = true
  }
  const outcome = conclude(levelAllowed, denies)
  if (key !== undefined) {
    if (shape.memo.size >= MEMO_LIMIT) shape.memo.clear()
    shape.memo.set(key, outcome)
  }
  return outcome
}

/** Decide one probe with its real resource (for resource-scoped statements). */
function decideProbe(shape: ChainShape, probe: ProbeSpec, pc: ProbeContext, accountId: string): ChainOutcome {
  const resource = probe.resource(pc.region, accountId)
  const req: PreparedRequest = {
    principal: describePrincipal(pc.principal.principal),
    principalAccount: accountId,
    actionLower: probe.actionLower,
    service: probe.service,
    serviceLinkedRole: false,
    resource,
    resourceArn: parseArn(resource),
    resourceAccount: accountId,
    context: pc.context,
    hasBoundary: false,
  }
  const levelAllowed = new Array<boolean>(shape.levelCount).fill(false)
  const denies: number[] = []
  shape.statements.forEach((s, i) => {
    if (s.rcp && !probe.rcp) return
    if (statementApplies(s.stmt, req) === false) return
    if (s.stmt.effect === 'Deny') denies.push(i)
    else levelAllowed[s.level] = true
  })
  return conclude(levelAllowed, denies)
}

export interface ProbeOutcome {
  /** Principals that share this outcome (same values for every key the chain reads). */
  principals: readonly ProbePrincipal[]
  region: string
  actions: readonly string[]
  /** Services of `actions`, when known up front (stable classes). */
  services?: readonly string[]
  outcome: ChainOutcome
}

interface PrincipalGroup {
  pc: ProbeContext
  principals: ProbePrincipal[]
  /** Memo key prefix, or undefined when the key names this account (nothing to share). */
  memo?: string
}

function groupPrincipals(
  shape: ChainShape,
  principals: readonly ProbePrincipal[],
  contexts: AccountProbeContexts,
): PrincipalGroup[] {
  const groups = new Map<string, PrincipalGroup>()
  for (const principal of principals) {
    const pc = contexts.get(principal)
    const key = pc.keyFor(shape)
    const group = groups.get(key)
    if (group) group.principals.push(principal)
    else {
      // Answers to principal conditions name no account: any account of the shape can share them.
      const memo = shape.principalTests || !key.includes(contexts.accountId) ? key : undefined
      groups.set(key, { pc, principals: [principal], memo })
    }
  }
  return [...groups.values()]
}

export function runProbes(
  shape: ChainShape,
  set: ProbeSet,
  regions: readonly string[],
  principals: readonly ProbePrincipal[],
  contexts: AccountProbeContexts,
): ProbeOutcome[] {
  const classes = classesFor(shape, set)
  const groups = groupPrincipals(shape, principals, contexts)
  const out: ProbeOutcome[] = []
  for (const group of groups) {
    const { pc } = group
    for (const region of regions) {
      pc.setRegion(region)
      const memo = group.memo === undefined ? undefined : `${region}\u0001${group.memo}`
      for (const cls of classes.stable) {
        const outcome = decideClass(shape, cls, pc, memo)
        out.push({
          principals: group.principals,
          region,
          actions: cls.actions,
          services: cls.services,
          outcome,
        })
      }
      for (const probe of classes.volatile) {
        const outcome = decideProbe(shape, probe, pc, contexts.accountId)
        out.push({ principals: group.principals, region, actions: [probe.action], outcome })
      }
    }
  }
  return out
}
