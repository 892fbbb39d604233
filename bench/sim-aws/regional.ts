/**
 * The per-region reads: CloudTrail and Config (awsJson1_1) and IAM Access Analyzer (restJson1).
 * Every account sees the organization trail (homed in the management account) unless its
 * profile says it has none; Config recorders and analyzers follow the profile too.
 */
import type { AccountGenerator } from './account.js'
import type { SimAccount } from './organization.js'
import { SimError, type SimRequest } from './protocol.js'

export function orgTrailArn(gen: AccountGenerator): string {
  return `arn:aws:cloudtrail:${gen.org.options.regions[0]}:${gen.org.managementAccountId}:trail/org-trail`
}

export function cloudtrail(gen: AccountGenerator, account: SimAccount, req: SimRequest): unknown {
  const profile = gen.profile(account)
  const home = gen.org.options.regions[0]
  switch (req.operation) {
    case 'DescribeTrails':
      return {
        trailList:
          profile.trail && gen.org.options.regions.includes(req.region)
            ? [
                {
                  Name: 'org-trail',
                  S3BucketName: `org-cloudtrail-${gen.org.managementAccountId}`,
                  IncludeGlobalServiceEvents: true,
                  IsMultiRegionTrail: true,
                  HomeRegion: home,
                  TrailARN: orgTrailArn(gen),
                  LogFileValidationEnabled: true,
                  HasCustomEventSelectors: false,
                  HasInsightSelectors: false,
                  IsOrganizationTrail: true,
                },
              ]
            : [],
      }
    case 'GetTrailStatus': {
      if (req.json.Name !== orgTrailArn(gen) || !profile.trail)
        throw new SimError(
          400,
          'TrailNotFoundException',
          `Unknown trail: ${String(req.json.Name)} for the user: ${account.id}`,
        )
      const now = gen.now / 1000
      return {
        IsLogging: true,
        LatestDeliveryTime: now - 300,
        StartLoggingTime: now - 86_400 * 400,
        LatestDigestDeliveryTime: now - 1800,
        TimeLoggingStarted: new Date((now - 86_400 * 400) * 1000).toISOString(),
      }
    }
    default:
      throw new SimError(400, 'InvalidAction', `${req.operation} is not simulated`)
  }
}

export function config(gen: AccountGenerator, account: SimAccount, req: SimRequest): unknown {
  const profile = gen.profile(account)
  const present = profile.configRecorder !== 'none' && gen.org.options.regions.includes(req.region)
  const home = req.region === gen.org.options.regions[0]
  switch (req.operation) {
    case 'DescribeConfigurationRecorders':
      return {
        ConfigurationRecorders: present
          ? [
              {
                name: 'default',
                roleARN: `arn:aws:iam::${account.id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
                recordingGroup: { allSupported: true, includeGlobalResourceTypes: home, resourceTypes: [] },
              },
            ]
          : [],
      }
    case 'DescribeConfigurationRecorderStatus':
      return {
        ConfigurationRecordersStatus: present
          ? [
              {
                name: 'default',
                recording: profile.configRecorder === 'on',
                lastStatus: profile.configRecorder === 'on' ? 'SUCCESS' : 'FAILURE',
                lastStartTime: gen.now / 1000 - 86_400 * 300,
                lastStatusChangeTime: gen.now / 1000 - 600,
              },
            ]
          : [],
      }
    default:
      throw new SimError(400, 'InvalidAction', `${req.operation} is not simulated`)
  }
}

export function accessAnalyzer(gen: AccountGenerator, account: SimAccount, req: SimRequest): unknown {
  if (req.operation !== 'ListAnalyzers')
    throw new SimError(400, 'ValidationException', `${req.operation} is not simulated`)
  const profile = gen.profile(account)
  const regions = gen.org.options.regions
  const here = regions.includes(req.region) && (profile.analyzerEverywhere || req.region === regions[0])
  const management = account.id === gen.org.managementAccountId
  const analyzers = here
    ? [
        {
          arn: `arn:aws:access-analyzer:${req.region}:${account.id}:analyzer/${management ? 'org-analyzer' : 'account-analyzer'}`,
          name: management ? 'org-analyzer' : 'account-analyzer',
          type: management ? 'ORGANIZATION' : 'ACCOUNT',
          createdAt: new Date(Date.UTC(2023, 0, 1)).toISOString(),
          status: 'ACTIVE',
        },
      ]
    : []
  return { analyzers }
}
