/**
 * ARN helpers. An ARN has six colon-separated parts; the sixth (the resource) may itself contain
 * colons, so only the first five colons split.
 */

export interface ArnParts {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

/** Split at the first five colons; undefined when the string is not shaped like an ARN. */
export function splitArn(value: string): string[] | undefined {
  if (!value.startsWith('arn:')) return undefined
  const parts: string[] = []
  let start = 0
  for (let i = 0; i < 5; i++) {
    const colon = value.indexOf(':', start)
    if (colon < 0) return undefined
    parts.push(value.slice(start, colon))
    start = colon + 1
  }
  parts.push(value.slice(start))
  return parts
}

export function parseArn(value: string): ArnParts | undefined {
  const parts = splitArn(value)
  if (!parts) return undefined
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5] }
}

const SEGMENT = /^[A-Za-z0-9*?._${}'/ ,-]*$/

/** Problems with a Resource/NotResource entry, or undefined when it is acceptable. */
export function resourcePatternProblem(value: string): string | undefined {
  if (value === '*') return undefined
  const parts = splitArn(value)
  if (!parts) return `"${value}" is neither "*" nor an ARN (arn:partition:service:region:account:resource)`
  if (parts[1] === '') return `ARN "${value}" has an empty partition`
  if (parts[2] === '') return `ARN "${value}" has an empty service`
  for (let i = 1; i <= 4; i++) {
    if (!SEGMENT.test(parts[i])) return `ARN "${value}" has an invalid character in part ${i + 1}`
  }
  return undefined
}

const ACCOUNT_ID = /^\d{12}$/
/** IAM unique ids (AIDA…, AROA…) appear in principals whose user or role was deleted. */
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/

/** Problems with an `AWS` principal entry, or undefined when it is acceptable. */
export function awsPrincipalProblem(value: string): string | undefined {
  if (value === '*' || ACCOUNT_ID.test(value) || UNIQUE_ID.test(value)) return undefined
  const parts = splitArn(value)
  if (!parts) return `"${value}" is not an account id, an IAM/STS ARN or "*"`
  if (parts[2] !== 'iam' && parts[2] !== 'sts') return `principal ARN "${value}" is not an IAM or STS ARN`
  if (!ACCOUNT_ID.test(parts[4])) return `principal ARN "${value}" has no 12-digit account id`
  if (value.includes('*') || value.includes('?')) {
    return `principal ARN "${value}" has a wildcard; only "*" alone is allowed in Principal`
  }
  return undefined
}

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value)
}

/** The account a principal entry names when it names a whole account (`123…` or `…:root`). */
export function principalAccount(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value
  const parts = splitArn(value)
  if (parts && parts[2] === 'iam' && parts[5] === 'root' && ACCOUNT_ID.test(parts[4])) return parts[4]
  return undefined
}
