/**
 * A finding's identity across sweeps: the same rule, account and resource is the same finding,
 * whatever its title or evidence say this time.
 */
import { createHash } from 'node:crypto'

export function fingerprint(ruleId: string, accountId: string, resourceArn: string): string {
  // A separator that cannot occur in any of the three keeps ("a", "bc") apart from ("ab", "c").
  return createHash('sha256').update(`${ruleId}\u0000${accountId}\u0000${resourceArn}`).digest('hex')
}
