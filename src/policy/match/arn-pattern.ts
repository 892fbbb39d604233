/**
 * ARN pattern matching as IAM does it for Resource and for the Arn* condition operators: each of
 * the first five colon-separated parts is matched on its own (a wildcard never crosses a colon
 * there), and the resource part is matched as a whole.
 */

import type { ArnParts } from '../arn.js'
import { splitArn } from '../arn.js'
import { compileWildcard, type StringMatcher } from '../wildcard.js'

/** Tests a request value given both raw and, when it is an ARN, split. */
export type ArnMatcher = (raw: string, arn: ArnParts | undefined) => boolean

export function compileArnPattern(pattern: string): ArnMatcher {
  if (pattern === '*') return () => true
  const parts = splitArn(pattern)
  if (!parts) {
    // Not an ARN pattern (only reachable for non-ARN resources such as "*"): whole-string match.
    const whole = compileWildcard(pattern)
    return (raw) => whole(raw)
  }
  const segs: StringMatcher[] = parts.slice(1).map((p) => compileWildcard(p))
  const [partition, service, region, account, resource] = segs
  return (_raw, arn) =>
    arn !== undefined &&
    partition(arn.partition) &&
    service(arn.service) &&
    region(arn.region) &&
    account(arn.account) &&
    resource(arn.resource)
}
