import { invalidField } from './errors.js'

/** Opaque cursors: base64url JSON of the last row's sort key. Clients pass them back untouched. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  if (!check(value)) throw invalidField('cursor', 'is not a cursor this API returned')
  return value
}
