/**
 * Turns one reader's call into what the raw bundle stores: its response, or the AWS error body
 * when the service refused it (a gap for that API alone). Throttling, 5xx and network failures
 * that outlived the SDK's retries are thrown as transient AwsCallErrors, so the job is retried
 * instead of storing a hole that only bad luck made.
 */
import type { RawApiError, RawOutcome } from '../org/raw-account-data.js'
import { AwsCallError, classifyError, toRawError } from './errors.js'

export async function outcome<T>(
  api: string,
  read: () => Promise<T>,
  context?: string,
): Promise<RawOutcome<T>> {
  try {
    return await read()
  } catch (err) {
    return gapOrThrow(api, err, context)
  }
}

/** The gap entry for a refusal; any other failure is thrown (transient ones as AwsCallError). */
export function gapOrThrow(api: string, err: unknown, context?: string): RawApiError {
  const kind = classifyError(err)
  if (kind === 'denied' || kind === 'refused') return toRawError(err)
  if (err instanceof AwsCallError || kind === 'unknown') throw err
  throw new AwsCallError(api, kind, err, context)
}
