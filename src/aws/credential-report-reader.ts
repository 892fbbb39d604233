/**
 * The credential report: GenerateCredentialReport until it says COMPLETE (IAM reuses a report
 * younger than four hours, so this is usually one call), then GetCredentialReport. The CSV is
 * handed over as UTF-8 text; parsing it is the normalizer's job (csv-parse, in src/org).
 *
 * Polling is bounded: when the report is not ready in time, the bundle records a gap rather
 * than holding the job; the next sweep finds the report ready.
 */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam'
import type { RawIam } from '../org/raw-account-data.js'
import { call } from './aws-call.js'
import { errorCode } from './errors.js'
import { sleep as realSleep, type Sleep } from './limiter.js'
import { gapOrThrow } from './outcome.js'

export interface CredentialReportPolling {
  /** First wait after a report was started. Default 2 s. */
  initialDelayMs?: number | undefined
  /** Longest wait between polls (the delay doubles up to this). Default 10 s. */
  maxDelayMs?: number | undefined
  /** Total time allowed for the report. Default 120 s. */
  timeoutMs?: number | undefined
}

export interface CredentialReportDeps {
  iam: IAMClient
  signal?: AbortSignal | undefined
  polling?: CredentialReportPolling | undefined
  sleep?: Sleep | undefined
  now?: () => number
}

const API = 'iam:GetCredentialReport'
/** GetCredentialReport's answers while a report is being (re)built. */
const NOT_READY = new Set(['ReportInProgress', 'ReportNotPresent', 'ReportExpired'])

export async function readCredentialReport(
  deps: CredentialReportDeps,
): Promise<RawIam['GetCredentialReport']> {
  const { iam, signal } = deps
  const wait = deps.sleep ?? realSleep
  const now = deps.now ?? (() => performance.now())
  const initial = deps.polling?.initialDelayMs ?? 2_000
  const maxDelay = deps.polling?.maxDelayMs ?? 10_000
  const deadline = now() + (deps.polling?.timeoutMs ?? 120_000)
  let delay = initial

  for (;;) {
    let state: string | undefined
    try {
      const generated = await call(
        'iam:GenerateCredentialReport',
        (o) => iam.send(new GenerateCredentialReportCommand({}), o),
        { signal },
      )
      state = generated.State
    } catch (err) {
      // Stored under GetCredentialReport, the one key the normalizer reads for the report.
      return gapOrThrow('iam:GenerateCredentialReport', err)
    }
    if (state === 'COMPLETE') {
      try {
        const report = await call(API, (o) => iam.send(new GetCredentialReportCommand({}), o), { signal })
        return {
          Content: report.Content ? Buffer.from(report.Content).toString('utf8') : '',
          ...(report.ReportFormat ? { ReportFormat: report.ReportFormat } : {}),
          ...(report.GeneratedTime ? { GeneratedTime: report.GeneratedTime } : {}),
        }
      } catch (err) {
        if (!NOT_READY.has(errorCode(err))) return gapOrThrow(API, err)
        // The report we were told is complete expired or was replaced meanwhile: poll again.
      }
    }
    if (now() + delay > deadline) {
      return {
        Error: {
          Code: 'CredentialReportNotReady',
          Message: `the credential report was still ${state ?? 'unknown'} when polling stopped`,
        },
      }
    }
    await wait(delay, signal)
    delay = Math.min(delay * 2, maxDelay)
  }
}
