/**
 * Per-object caches for the hot path. A hidden (non-enumerable, symbol-keyed) property is several
 * times faster to read than a WeakMap entry, which matters at millions of evaluations; frozen or
 * sealed objects fall back to a WeakMap.
 */

export interface ObjectCache<K extends object, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
}

export function objectCache<K extends object, V>(description: string): ObjectCache<K, V> {
  const slot = Symbol(description)
  const fallback = new WeakMap<K, V>()
  return {
    get(key) {
      const own = (key as Record<symbol, V | undefined>)[slot]
      return own !== undefined ? own : fallback.get(key)
    },
    set(key, value) {
      if (Object.hasOwn(key, slot)) (key as Record<symbol, V>)[slot] = value
      else if (Object.isExtensible(key))
        Object.defineProperty(key, slot, { value, writable: true, enumerable: false })
      else fallback.set(key, value)
    },
  }
}
