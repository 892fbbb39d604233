/**
 * Regional services: CloudTrail trails with their logging status, Config recorders with their
 * status, and IAM Access Analyzer analyzers. Each region is read on its own, so a gap in one
 * region does not hide what the others say.
 */
import type { AccessAnalyzer, ConfigRecorder, Gap, RegionState, Trail } from './account-state.js'
import { readOutcome, withRegion } from './gaps.js'
import type {
  RawAnalyzer,
  RawCloudTrail,
  RawConfig,
  RawConfigRecorderStatus,
  RawRegion,
  RawTrail,
} from './raw-account-data.js'
import { asArray, bool, describeApiError, isRawApiError, str, strOrNull } from './raw-values.js'

export function normalizeRegion(region: string, raw: RawRegion, gaps: Gap[]): RegionState {
  return {
    trails: trails(region, raw.cloudtrail ?? {}, gaps),
    configRecorders: configRecorders(region, raw.config ?? {}, gaps),
    accessAnalyzers: analyzers(region, raw, gaps),
  }
}

function trails(region: string, raw: RawCloudTrail, gaps: Gap[]): Trail[] {
  const described = readOutcome(gaps, raw.DescribeTrails, 'cloudtrail:DescribeTrails', region)
  if (!described) return []
  const statuses = raw.GetTrailStatus ?? {}
  return asArray(described.trailList)
    .filter((trail) => trail)
    .map((trail) => toTrail(trail, lookupStatus(region, trail, statuses, gaps)))
}

function lookupStatus(
  region: string,
  trail: RawTrail,
  statuses: NonNullable<RawCloudTrail['GetTrailStatus']>,
  gaps: Gap[],
): boolean | null {
  const arn = str(trail.TrailARN)
  const name = str(trail.Name)
  const own = (key: string) => (key !== '' && Object.hasOwn(statuses, key) ? statuses[key] : undefined)
  const status = own(arn) ?? own(name)
  const api = 'cloudtrail:GetTrailStatus'
  if (status === undefined || status === null) {
    gaps.push(withRegion({ api, reason: `status of trail ${arn || name} was not collected` }, region))
    return null
  }
  if (isRawApiError(status)) {
    gaps.push(withRegion({ api, reason: `trail ${arn || name}: ${describeApiError(status)}` }, region))
    return null
  }
  return typeof status.IsLogging === 'boolean' ? status.IsLogging : null
}

function toTrail(trail: RawTrail, isLogging: boolean | null): Trail {
  return {
    name: str(trail.Name),
    arn: str(trail.TrailARN),
    homeRegion: strOrNull(trail.HomeRegion),
    isMultiRegion: bool(trail.IsMultiRegionTrail),
    isOrganizationTrail: bool(trail.IsOrganizationTrail),
    isLogging,
    logFileValidationEnabled: bool(trail.LogFileValidationEnabled),
    includeGlobalServiceEvents: bool(trail.IncludeGlobalServiceEvents),
    s3BucketName: strOrNull(trail.S3BucketName),
    kmsKeyId: strOrNull(trail.KmsKeyId),
  }
}

function configRecorders(region: string, raw: RawConfig, gaps: Gap[]): ConfigRecorder[] {
  const described = readOutcome(
    gaps,
    raw.DescribeConfigurationRecorders,
    'config:DescribeConfigurationRecorders',
    region,
  )
  if (!described) return []
  const recorders = asArray(described.ConfigurationRecorders).filter((recorder) => recorder)
  // Only ask for statuses when there is a recorder to attach them to; an account without a
  // recorder has nothing to be unknown about.
  if (recorders.length === 0) return []
  const statusResponse = readOutcome(
    gaps,
    raw.DescribeConfigurationRecorderStatus,
    'config:DescribeConfigurationRecorderStatus',
    region,
  )
  const statuses = new Map<string, RawConfigRecorderStatus>()
  for (const status of asArray(statusResponse?.ConfigurationRecordersStatus)) {
    if (status) statuses.set(str(status.name), status)
  }
  return recorders.map((recorder) => {
    const name = str(recorder.name)
    const status = statuses.get(name)
    if (statusResponse && !status) {
      const reason = `status of recorder ${name} was not returned`
      gaps.push(withRegion({ api: 'config:DescribeConfigurationRecorderStatus', reason }, region))
    }
    return {
      name,
      recording: typeof status?.recording === 'boolean' ? status.recording : null,
      allSupported: bool(recorder.recordingGroup?.allSupported),
      includeGlobalResourceTypes: bool(recorder.recordingGroup?.includeGlobalResourceTypes),
      lastStatus: strOrNull(status?.lastStatus),
    }
  })
}

function analyzers(region: string, raw: RawRegion, gaps: Gap[]): AccessAnalyzer[] {
  const listed = readOutcome(gaps, raw.accessanalyzer?.ListAnalyzers, 'access-analyzer:ListAnalyzers', region)
  if (!listed) return []
  return asArray(listed.analyzers)
    .filter((analyzer): analyzer is RawAnalyzer => Boolean(analyzer))
    .map((analyzer) => ({
      name: str(analyzer.name),
      arn: str(analyzer.arn),
      type: str(analyzer.type),
      status: str(analyzer.status),
    }))
}
