/**
 * An SCP chain reduced to what decides probes: its statements flattened with their level, and
 * the context keys its conditions read. Chains with the same documents at the same levels share
 * one shape (and its caches), whichever accounts they belong to — across an organization, chains
 * repeat: every account of an OU has the OU's chain plus its own level.
 */

import { type CompiledStatement, compilePolicy } from '../compile-policy.js'
import { parsePolicy } from '../parse/parse-policy.js'
import { fingerprint } from '../parse/parse-support.js'
import type { ParseResult } from '../types.js'
import type { ScpChainLevel, ScpDocument } from './guardrail-types.js'
import type { ProbeSpec } from './probe-specs.js'

export interface ShapeStatement {
  level: number
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
  levelCount: number
  statements: ShapeStatement[]
  /** Lower-cased context keys any statement reads, other than the region, sorted. */
  principalKeys: string[]
  /** Per probe set: probes grouped by which statements their action (and resource) select. */
  classes: Map<string, ProbeClasses>
  /** Outcomes keyed by region, the values of `principalKeys`, and the class signature. */
  memo: Map<string, ChainOutcome>
}

const textCache = new Map<string, ParseResult>()
const objectCache = new WeakMap<object, ParseResult>()
const CACHE_LIMIT = 20_000

/** Parse an SCP document, cached by its text (the same SCP is attached to many targets). */
export function parseScp(document: unknown): ParseResult {
  if (typeof document === 'string') {
    let r = textCache.get(document)
    if (!r) {
      if (textCache.size >= CACHE_LIMIT) textCache.clear()
      r = parsePolicy(document, 'scp')
      textCache.set(document, r)
    }
    return r
  }
  if (typeof document === 'object' && document !== null) {
    let r = objectCache.get(document)
    if (!r) {
      r = parsePolicy(document, 'scp')
      objectCache.set(document, r)
    }
    return r
  }
  return parsePolicy(document, 'scp')
}

export const REGION_KEY = 'aws:requestedregion'

const shapes = new Map<string, ChainShape>()
const SHAPE_LIMIT = 5_000

/** Content key of an SCP document: its fingerprint, or `invalid`. */
export function docKey(doc: ScpDocument): string {
  const r = parseScp(doc.document)
  if (r.ok) return r.policy.fingerprint
  let text = ''
  try {
    text = typeof doc.document === 'string' ? doc.document : (JSON.stringify(doc.document) ?? '')
  } catch {
    text = String(doc.document)
  }
  return `invalid:${fingerprint(text)}`
}

export function chainShape(chain: readonly ScpChainLevel[]): ChainShape {
  const key = chain.map((level) => level.policies.map(docKey).join(',')).join('/')
  const known = shapes.get(key)
  if (known) return known
  const statements: ShapeStatement[] = []
  const keys = new Set<string>()
  chain.forEach((level, li) => {
    level.policies.forEach((doc, pi) => {
      const parsed = parseScp(doc.document)
      // Invalid documents cannot be in force in AWS; they are reported by hygiene and skipped.
      if (!parsed.ok) return
      for (const stmt of compilePolicy(parsed.policy).statements) {
        statements.push({ level: li, policy: pi, stmt })
        for (const k of stmt.contextKeys) keys.add(k)
      }
    })
  })
  const shape: ChainShape = {
    key,
    levelCount: chain.length,
    statements,
    principalKeys: [...keys].filter((k) => k !== REGION_KEY).sort(),
    classes: new Map(),
    memo: new Map(),
  }
  if (shapes.size >= SHAPE_LIMIT) shapes.clear()
  shapes.set(key, shape)
  return shape
}
