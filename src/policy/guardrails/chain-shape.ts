/**
 * An SCP chain (plus the account's RCP chain) reduced to what decides probes: its statements
 * flattened with their level, and the context keys its conditions read.

 * RCPs add their Deny statements only, marked `rcp`: RCPFullAWSAccess is attached at every level
 * and cannot be detached, so an RCP level always allows, and a snapshot that leaves it out
 * must not read as "everything blocked". An RCP statement decides only probes RCPs govern
 * (`ProbeSpec.rcp`: a service with RCP support acting on a resource of the account).
 * Chains with the same documents at the same levels share
 * one shape (and its caches), whichever accounts they belong to — across an organization, chains
 * repeat: every account of an OU has the OU's chain plus its own level.
 */

import { type CompiledStatement, compilePolicy } from '../compile-policy.js'
import type { ConditionTest } from '../match/condition-matcher.js'
import { parsePolicy } from '../parse/parse-policy.js'
import { fingerprint } from '../parse/parse-support.js'
import type { ParseResult } from '../types.js'
import type { ScpChainLevel, ScpDocument } from './guardrail-types.js'
import type { ProbeSpec } from './probe-specs.js'

export interface ShapeStatement {
  /** Index into the SCP levels, then the RCP levels (`levelCount` + RCP level). */
  level: number
  /** From an RCP (always a Deny). */
  rcp: boolean
  /** Position of the policy within its level (to name it from the account's own chain). */
  policy: number
  stmt: CompiledStatement
}

/** Probes whose actions select the same statements: one evaluation decides them all. */
export interface ProbeClass {
  /** 1 where the statement's action (and resource) test passes. */
  sig: Uint8Array
  sigKey: string
  probes: ProbeSpec[]
  actions: string[]
  /** Service prefixes of the probes, sorted. */
  services: string[]
}

export interface ProbeClasses {
  stable: ProbeClass[]
  /** Probes selecting a resource-scoped statement: decided per region and account. */
  volatile: ProbeSpec[]
  /** Services of every probe of the set, sorted (evidence when every probe escapes). */
  services: string[]
}

/** A chain's answer to one probe: statement positions, not refs, so accounts can share it. */
export interface ChainOutcome {
  allowed: boolean
  denies: number[]
  /** First level with no applicable Allow, or -1. */
  blockedLevel: number
}

export interface ChainShape {
  key: string
  /** SCP levels: each needs an Allow. */
  levelCount: number
  statements: ShapeStatement[]
  /** Lower-cased context keys any statement reads, other than the region, sorted. */
  principalKeys: string[]
  /**
   * Per statement with conditions on anything but the region, those conditions (ANDed): when no
   * single condition reads the region together with another key, a principal's answers to these
   * decide every probe in every region alike, so principals are grouped by them rather than by
   * the values they read (every ARN differs; whether it matches the exemption mostly does not).
   * Undefined when some condition mixes the region with other keys.
   */
  principalTests: ConditionTest[] | undefined
  /** Per probe set: probes grouped by which statements their action (and resource) select. */
  classes: Map<string, ProbeClasses>
  /** Outcomes keyed by region, the values of `principalKeys`, and the class signature. */
  memo: Map<string, ChainOutcome>
}

type OrgPolicyKind = 'scp' | 'rcp'
const textCache = { scp: new Map<string, ParseResult>(), rcp: new Map<string, ParseResult>() }
const objectCache = { scp: new WeakMap<object, ParseResult>(), rcp: new WeakMap<object, ParseResult>() }
const CACHE_LIMIT = 20_000

/** Parse an SCP (or RCP) document, cached by its text (the same policy is attached to many targets). */
export function parseScp(document: unknown, kind: OrgPolicyKind = 'scp'): ParseResult {
  if (typeof document === 'string') {
    const cache = textCache[kind]
    let r = cache.get(document)
    if (!r) {
      if (cache.size >= CACHE_LIMIT) cache.clear()
      r = parsePolicy(document, kind)
      cache.set(document, r)
    }
    return r
  }
  if (typeof document === 'object' && document !== null) {
    let r = objectCache[kind].get(document)
    if (!r) {
      r = parsePolicy(document, kind)
      objectCache[kind].set(document, r)
    }
    return r
  }
  return parsePolicy(document, kind)
}

export const REGION_KEY = 'aws:requestedregion'

const shapes = new Map<string, ChainShape>()
const SHAPE_LIMIT = 5_000

/** Content key of an SCP document: its fingerprint, or `invalid`. */
export function docKey(doc: ScpDocument, kind: OrgPolicyKind = 'scp'): string {
  const r = parseScp(doc.document, kind)
  if (r.ok) return r.policy.fingerprint
  let text = ''
  try {
    text = typeof doc.document === 'string' ? doc.document : (JSON.stringify(doc.document) ?? '')
  } catch {
    text = String(doc.document)
  }
  return `invalid:${fingerprint(text)}`
}

const levelsKey = (chain: readonly ScpChainLevel[]) =>
  chain.map((level) => level.policies.map((doc) => docKey(doc)).join(',')).join('/')

/** RCP documents that can deny (valid, with a Deny statement), by content: what an RCP chain adds. */
function rcpDenyKey(chain: readonly ScpChainLevel[]): string {
  const parts: string[] = []
  chain.forEach((level, li) => {
    level.policies.forEach((doc, pi) => {
      const r = parseScp(doc.document, 'rcp')
      if (r.ok && r.policy.statements.some((s) => s.effect === 'Deny'))
        parts.push(`${li}.${pi}:${r.policy.fingerprint}`)
    })
  })
  return parts.join(',')
}

function principalTests(statements: readonly ShapeStatement[]): ConditionTest[] | undefined {
  const tests: ConditionTest[] = []
  for (const { stmt } of statements) {
    const parts = (stmt.conditions?.parts ?? []).filter((part) => part.keys.some((k) => k !== REGION_KEY))
    if (parts.some((part) => part.keys.includes(REGION_KEY))) return undefined
    if (parts.length > 0) tests.push((ctx) => parts.every((part) => part.test(ctx)))
  }
  return tests
}

export function chainShape(
  chain: readonly ScpChainLevel[],
  rcpChain: readonly ScpChainLevel[] = [],
): ChainShape {
  // RCPs without a Deny (RCPFullAWSAccess) change nothing: such chains share the SCP chain's shape.
  const rcpKey = rcpDenyKey(rcpChain)
  const key = levelsKey(chain) + (rcpKey ? `|rcp:${rcpKey}` : '')
  const known = shapes.get(key)
  if (known) return known
  const statements: ShapeStatement[] = []
  const keys = new Set<string>()
  const add = (levels: readonly ScpChainLevel[], offset: number, rcp: boolean) =>
    levels.forEach((level, li) => {
      level.policies.forEach((doc, pi) => {
        const parsed = parseScp(doc.document, rcp ? 'rcp' : 'scp')
        // Invalid documents cannot be in force in AWS; they are reported by hygiene and skipped.
        if (!parsed.ok) return
        for (const stmt of compilePolicy(parsed.policy).statements) {
          if (rcp && stmt.effect !== 'Deny') continue
          statements.push({ level: offset + li, policy: pi, rcp, stmt })
          for (const k of stmt.contextKeys) keys.add(k)
        }
      })
    })
  add(chain, 0, false)
  add(rcpChain, chain.length, true)
  const shape: ChainShape = {
    key,
    levelCount: chain.length,
    statements,
    principalKeys: [...keys].filter((k) => k !== REGION_KEY).sort(),
    principalTests: principalTests(statements),
    classes: new Map(),
    memo: new Map(),
  }
  if (shapes.size >= SHAPE_LIMIT) shapes.clear()
  shapes.set(key, shape)
  return shape
}
