/**
 * Deterministic randomness for the simulated AWS: every value is drawn from a generator seeded
 * by (organization seed, what is being generated), so an account's data is the same whenever
 * and in whatever order it is asked for, and nothing has to be kept in memory between calls.
 */

/** 32-bit FNV-1a of a string, mixed with the seed. */
export function hash(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max]. */
  int(min: number, max: number): number
  /** True with probability p. */
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
}

/** mulberry32 over a seed derived from (seed, key). */
export function rng(seed: number, key: string): Rng {
  let state = hash(seed, key)
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  }
}

/** A value in [0, 1) for (seed, key) without keeping a generator. */
export function unit(seed: number, key: string): number {
  return rng(seed, key).next()
}
