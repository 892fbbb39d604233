/**
 * IAM returns policy documents as URL-encoded JSON (RFC 3986). Collectors and hand-written
 * snapshots sometimes hand them over already decoded, or parsed; all three are accepted.
 */
import type { JsonObject, PolicyDocument } from './account-state.js'

export type DecodedPolicy = { ok: true; document: PolicyDocument } | { ok: false; reason: string }

export function decodePolicyDocument(raw: unknown): DecodedPolicy {
  if (isPlainObject(raw)) return roundTrip(raw)
  if (typeof raw !== 'string') return { ok: false, reason: 'document is missing or not a string' }
  const text = raw.trim()
  // An encoded document starts with %7B; a decoded one with "{". Decoding a decoded document
  // would corrupt literal "%" characters in it (e.g. in a condition value), so do it only once.
  if (text.startsWith('{')) return parsedObject(text)
  let decoded: string
  try {
    decoded = decodeURIComponent(text)
  } catch {
    return { ok: false, reason: 'document is not valid URL-encoded text' }
  }
  return parsedObject(decoded)
}

// A JSON round trip keeps the state plain data, detached from the caller's object.
function roundTrip(raw: Record<string, unknown>): DecodedPolicy {
  try {
    return parsedObject(JSON.stringify(raw))
  } catch {
    return { ok: false, reason: 'document object cannot be serialized as JSON' }
  }
}

/** Each decoded document's JSON text, while the document lives (see `policyDocumentText`). */
const texts = new WeakMap<object, string>()

/**
 * The JSON text a document was decoded from, so that parsing it again for the policy engine
 * need not serialize it back (about 1 ms an account with 200 roles). Undefined for documents
 * this process did not decode (a state read back from the store).
 */
export function policyDocumentText(document: PolicyDocument): string | undefined {
  return texts.get(document)
}

function parsedObject(text: string): DecodedPolicy {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'document is not valid JSON' }
  }
  if (!isPlainObject(value)) return { ok: false, reason: 'document is not a JSON object' }
  texts.set(value, text)
  return { ok: true, document: value as JsonObject }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}
