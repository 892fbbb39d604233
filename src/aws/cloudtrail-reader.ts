/**
 * CloudTrail, per region: the trails DescribeTrails shows there (its own, and multi-region and
 * organization trails homed elsewhere), and each trail's logging status.
 */
import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail'
import type { RawOutcome, RawTrail, RawTrailStatus } from '../org/raw-account-data.js'
import { call } from './aws-call.js'
import { outcome } from './outcome.js'

export interface CloudTrailDeps {
  client: CloudTrailClient
  signal?: AbortSignal | undefined
}

/** One call per region: DescribeTrails is not paginated and includes shadow trails by default. */
export function describeTrails({
  client,
  signal,
}: CloudTrailDeps): Promise<RawOutcome<{ trailList?: RawTrail[] }>> {
  return outcome('cloudtrail:DescribeTrails', async () => {
    const out = await call(
      'cloudtrail:DescribeTrails',
      (o) => client.send(new DescribeTrailsCommand({ includeShadowTrails: true }), o),
      { signal },
    )
    const trailList: RawTrail[] = out.trailList ?? []
    return { trailList }
  })
}

/**
 * A trail's status is the same whichever region asks, so the collector calls this once per
 * trail ARN (an ARN works from any region, shadow trails included) and files the answer under
 * every region that lists the trail.
 */
export function trailStatus(
  { client, signal }: CloudTrailDeps,
  trailArn: string,
): Promise<RawOutcome<RawTrailStatus>> {
  return outcome('cloudtrail:GetTrailStatus', async () => {
    const out = await call(
      'cloudtrail:GetTrailStatus',
      (o) => client.send(new GetTrailStatusCommand({ Name: trailArn }), o),
      {
        signal,
      },
    )
    const status: RawTrailStatus = {
      IsLogging: out.IsLogging,
      LatestDeliveryTime: out.LatestDeliveryTime,
      StartLoggingTime: out.StartLoggingTime,
      StopLoggingTime: out.StopLoggingTime,
      LatestDeliveryError: out.LatestDeliveryError,
    }
    return status
  })
}
