/**
 * Renders a JSON Pointer (what TypeBox reports) as a path a person reads in an editor:
 * `/accounts/111122223333/iam/GetAccountSummary` → `$.accounts['111122223333'].iam.GetAccountSummary`.
 * The document is walked alongside, so array indexes print as `[3]` and numeric object keys
 * (account ids) print quoted.
 */
export function pointerToPath(pointer: string, document: unknown): string {
  if (pointer === '') return '$'
  const segments: Array<string | number> = []
  let node: unknown = document
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    const isIndex = Array.isArray(node) && /^\d+$/.test(key)
    segments.push(isIndex ? Number(key) : key)
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined
  }
  return pathOf(segments)
}

/** Builds a readable path from segments; numbers are array indexes. */
export function pathOf(segments: ReadonlyArray<string | number>): string {
  let out = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += `.${segment}`
    else out += `['${segment.replaceAll("'", "\\'")}']`
  }
  return out
}
