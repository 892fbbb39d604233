/**
 * Gaps: data a sweep could not read. A rule that meets a gap answers "unknown", never "pass",
 * so a missing permission in the audit role cannot hide a problem.
 */
import type { AccountState, Gap } from './account-state.js'
import type { RawOutcome } from './raw-account-data.js'
import { describeApiError, isRawApiError } from './raw-values.js'

/** The gap recorded for `api` (in `region`, for regional APIs), if any. */
export function gapFor(state: Pick<AccountState, 'gaps'>, api: string, region?: string): Gap | undefined {
  return state.gaps.find((gap) => gap.api === api && (region === undefined || gap.region === region))
}

/**
 * Returns the response when the call succeeded; otherwise records why it is missing and returns
 * undefined. `api` is `service:Operation`.
 */
export function readOutcome<T>(
  gaps: Gap[],
  outcome: RawOutcome<T> | undefined,
  api: string,
  region?: string,
): T | undefined {
  if (outcome === undefined || outcome === null) {
    gaps.push(withRegion({ api, reason: `${api} was not collected` }, region))
    return undefined
  }
  if (isRawApiError(outcome)) {
    gaps.push(withRegion({ api, reason: describeApiError(outcome) }, region))
    return undefined
  }
  if (typeof outcome !== 'object') {
    gaps.push(withRegion({ api, reason: `${api} returned a value that is not a response object` }, region))
    return undefined
  }
  return outcome
}

export function withRegion(gap: Gap, region: string | undefined): Gap {
  return region === undefined ? gap : { ...gap, region }
}
