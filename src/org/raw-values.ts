/**
 * Small readers for raw AWS values. The normalizer promises never to throw on odd input (a
 * hand-edited snapshot, a future SDK field), so every read goes through one of these.
 */
import type { Tags } from './account-state.js'
import type { RawApiError, RawTag } from './raw-account-data.js'

/** A timestamp as an ISO-8601 string in UTC, or null when absent or not a date. */
export function toIso(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (typeof value !== 'string' || value.trim() === '') return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

export function asArray<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : []
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback
}

export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function bool(value: unknown): boolean {
  return value === true
}

/** A finite number; -0 becomes 0 so the state survives a JSON round trip unchanged. */
export function numOrNull(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return value === 0 ? 0 : value
}

export function toTags(tags: RawTag[] | undefined): Tags {
  const out: Tags = {}
  for (const tag of asArray(tags)) {
    if (tag && typeof tag.Key === 'string' && isSafeKey(tag.Key)) out[tag.Key] = str(tag.Value)
  }
  return out
}

export function isRawApiError(value: unknown): value is RawApiError {
  if (typeof value !== 'object' || value === null || !('Error' in value)) return false
  const error = (value as { Error: unknown }).Error
  return typeof error === 'object' && error !== null
}

/** "AccessDenied: User ... is not authorized" — what a person needs to fix the collection. */
export function describeApiError(error: RawApiError): string {
  const code = str(error.Error.Code, 'UnknownError')
  const message = str(error.Error.Message)
  return message ? `${code}: ${message}` : code
}

/** `__proto__` as a key would change an object's prototype instead of adding a property. */
export function isSafeKey(key: string): boolean {
  return key !== '__proto__'
}
