/**
 * Value parsing shared by the parser (to validate) and the condition matchers (to compare).
 */

const EPOCH = /^[+-]?\d+(\.\d+)?$/
/** W3C ISO 8601 profile: YYYY, YYYY-MM, YYYY-MM-DD, and date-times with a zone designator. */
const ISO = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/

/** Milliseconds since the epoch from an ISO 8601 date or epoch seconds; undefined if neither. */
export function parseDateValue(text: string): number | undefined {
  const t = text.trim()
  if (EPOCH.test(t)) return Number(t) * 1000
  if (!ISO.test(t)) return undefined
  const ms = Date.parse(t.length === 7 ? `${t}-01` : t.length === 4 ? `${t}-01-01` : t)
  return Number.isNaN(ms) ? undefined : ms
}

export function parseNumberValue(text: string): number | undefined {
  const t = text.trim()
  if (t === '') return undefined
  const n = Number(t)
  return Number.isFinite(n) ? n : undefined
}

/** Decoded bytes of a base64 value as a binary string, for byte-for-byte comparison. */
export function decodeBase64(text: string): string | undefined {
  try {
    return atob(text)
  } catch {
    return undefined
  }
}
