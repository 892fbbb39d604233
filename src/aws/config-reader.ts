/** AWS Config, per region: the configuration recorders and whether they record. */
import {
  type ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service'
import type { RawConfig, RawConfigRecorder, RawConfigRecorderStatus } from '../org/raw-account-data.js'
import { call } from './aws-call.js'
import { outcome } from './outcome.js'

export interface ConfigDeps {
  client: ConfigServiceClient
  signal?: AbortSignal | undefined
}

/**
 * Neither call is paginated. The status is asked for only when a recorder exists: a region
 * without a recorder has no status to know (the normalizer reads it the same way).
 */
export async function readConfigRecorders({ client, signal }: ConfigDeps): Promise<RawConfig> {
  const recorders = await outcome('config:DescribeConfigurationRecorders', async () => {
    const out = await call(
      'config:DescribeConfigurationRecorders',
      (o) => client.send(new DescribeConfigurationRecordersCommand({}), o),
      { signal },
    )
    const list: RawConfigRecorder[] = out.ConfigurationRecorders ?? []
    return { ConfigurationRecorders: list }
  })
  if (!('ConfigurationRecorders' in recorders) || recorders.ConfigurationRecorders?.length === 0) {
    return { DescribeConfigurationRecorders: recorders }
  }
  const status = await outcome('config:DescribeConfigurationRecorderStatus', async () => {
    const out = await call(
      'config:DescribeConfigurationRecorderStatus',
      (o) => client.send(new DescribeConfigurationRecorderStatusCommand({}), o),
      { signal },
    )
    const list: RawConfigRecorderStatus[] = out.ConfigurationRecordersStatus ?? []
    return { ConfigurationRecordersStatus: list }
  })
  return { DescribeConfigurationRecorders: recorders, DescribeConfigurationRecorderStatus: status }
}
