/**
 * The awsQuery protocol's XML (IAM, STS): `<Op>Response` wrapping `<Op>Result` and the request
 * id, lists as `<member>` elements, maps as `<entry><key/><value/></entry>`, errors as
 * `<ErrorResponse>`. Strings are built directly: the simulator renders megabytes per sweep.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

export function esc(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (c) => ESCAPES[c]) : value
}

/** `<name>value</name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return ''
  return `<${name}>${typeof value === 'string' ? esc(value) : String(value)}</${name}>`
}

/** An element whose content is already XML. */
export function raw(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`
}

export function members(name: string, items: readonly string[]): string {
  let out = `<${name}>`
  for (const item of items) out += `<member>${item}</member>`
  return `${out}</${name}>`
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function queryResponse(op: string, namespace: string, result: string, requestId: string): string {
  return (
    `<${op}Response xmlns="${namespace}"><${op}Result>${result}</${op}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
  )
}

/** An operation whose response has no result element (none of ours, kept for completeness). */
export function queryError(
  namespace: string,
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${esc(code)}</Code>` +
    `<Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  )
}
