/**
 * Account-wide services: a support role, IAM Access Analyzer and AWS Config in every collected
 * region, a multi-region CloudTrail trail that is logging, and no expired server certificates.
 * Regional rules judge each region on its own: a gap in one region makes that region unknown
 * without hiding what the others say.
 */
import type { AccountState, RegionState } from '../../org/account-state.js'
import { gapFor } from '../../org/gaps.js'
import { accountIndex, isAwsManagedPolicy } from '../support/account-index.js'
import { blockedBy, entitiesBlocked, unknown } from '../support/coverage.js'
import { daysSince } from '../support/dates.js'
import { accountArn, partitionOf, regionalArn } from '../support/resources.js'
import type { Finding, Rule, RuleOutcome, UnknownPart } from '../types.js'

export const accountSupportRoleMissing: Rule = {
  id: 'account.support-role-missing',
  title: 'No principal can open AWS Support cases',
  severity: 'low',
  rationale:
    'During an incident someone must be able to reach AWS Support without borrowing an administrator’s access.',
  remediation: {
    steps: [
      'Create a role (or group) for the incident team.',
      'Attach the AWS-managed policy AWSSupportAccess to it.',
    ],
    docUrl: 'https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html',
  },
  controls: {
    cisV3: ['1.17'],
    cisV5: ['1.16'],
    cisV6: ['2.16'],
    securityHub: ['IAM.18'],
    configRule: ['iam-policy-in-use'],
  },
  parameters: {},
  evaluate(state) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const holders = [...accountIndex(state).attachedTo].filter(([arn]) =>
      isAwsManagedPolicy(arn, 'AWSSupportAccess'),
    )
    if (holders.some(([, entities]) => entities.length > 0)) return { findings: [] }
    return {
      findings: [
        {
          ruleId: 'account.support-role-missing',
          resourceArn: accountArn(state.accountId, partitionOf(state)),
          title: `No user, group or role of account ${state.accountId} has AWSSupportAccess`,
          evidence: { policy: 'AWSSupportAccess', holders: [] },
        },
      ],
    }
  },
}

/** Judges every collected region; regions whose APIs have gaps are incomplete. */
function overRegions(
  state: AccountState,
  apis: readonly string[],
  judge: (region: string, data: RegionState) => Finding | 'unknown' | undefined,
  unknownReason: (region: string) => string,
): RuleOutcome {
  const regions = Object.entries(state.regions)
  if (regions.length === 0) return unknown('no region was collected')
  const findings: Finding[] = []
  const incomplete: UnknownPart[] = []
  for (const [region, data] of regions) {
    const gap = apis.map((api) => gapFor(state, api, region)).find((g) => g !== undefined)
    if (gap) {
      incomplete.push({ region, reason: `${gap.api}: ${gap.reason}` })
      continue
    }
    const verdict = judge(region, data)
    if (verdict === 'unknown') incomplete.push({ region, reason: unknownReason(region) })
    else if (verdict) findings.push(verdict)
  }
  return incomplete.length > 0 ? { findings, incomplete } : { findings }
}

/** External-access analyzers (unused- and internal-access analyzers find other things). */
const EXTERNAL_ACCESS = new Set(['ACCOUNT', 'ORGANIZATION'])

export const accountAccessAnalyzerDisabled: Rule = {
  id: 'account.access-analyzer-disabled',
  title: 'IAM Access Analyzer not enabled in a region',
  severity: 'high',
  rationale:
    'Without an external-access analyzer, resources shared outside the account or organization in that region go unnoticed.',
  remediation: {
    steps: [
      'Create an analyzer of type ACCOUNT (or ORGANIZATION from the delegated administrator) in the region.',
      'Roll it out to every account and region with a StackSet so new ones are covered.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html',
  },
  controls: {
    cisV3: ['1.20'],
    cisV5: ['1.19'],
    cisV6: ['2.19'],
    securityHub: ['IAM.28'],
    configRule: ['iam-external-access-analyzer-enabled'],
  },
  parameters: {},
  evaluate(state) {
    const partition = partitionOf(state)
    return overRegions(
      state,
      ['access-analyzer:ListAnalyzers'],
      (region, data) => {
        if (data.accessAnalyzers.some((a) => EXTERNAL_ACCESS.has(a.type) && a.status === 'ACTIVE'))
          return undefined
        return {
          ruleId: 'account.access-analyzer-disabled',
          resourceArn: regionalArn(partition, 'access-analyzer', region, state.accountId, 'analyzer'),
          title: `Account ${state.accountId} has no active IAM Access Analyzer in ${region}`,
          evidence: {
            region,
            analyzers: data.accessAnalyzers.map((a) => ({ name: a.name, type: a.type, status: a.status })),
          },
        }
      },
      () => 'analyzer status unknown',
    )
  },
}

export const accountConfigRecorderOff: Rule = {
  id: 'account.config-recorder-off',
  title: 'AWS Config is not recording in a region',
  severity: 'medium',
  rationale:
    'Without a recording Config recorder there is no configuration history to investigate or evaluate in that region.',
  remediation: {
    steps: [
      'Create a configuration recorder and delivery channel in the region (or deploy them with a StackSet).',
      'Start the recorder: `aws configservice start-configuration-recorder`.',
    ],
    docUrl: 'https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html',
  },
  controls: { cisV3: ['3.3'], securityHub: ['Config.1'] },
  parameters: {},
  evaluate(state) {
    const partition = partitionOf(state)
    return overRegions(
      state,
      ['config:DescribeConfigurationRecorders', 'config:DescribeConfigurationRecorderStatus'],
      (region, data) => {
        if (data.configRecorders.some((r) => r.recording === true)) return undefined
        if (data.configRecorders.some((r) => r.recording === null)) return 'unknown'
        return {
          ruleId: 'account.config-recorder-off',
          resourceArn: regionalArn(partition, 'config', region, state.accountId, 'configuration-recorder'),
          title:
            data.configRecorders.length === 0
              ? `Account ${state.accountId} has no AWS Config recorder in ${region}`
              : `AWS Config recorder of account ${state.accountId} is stopped in ${region}`,
          evidence: {
            region,
            recorders: data.configRecorders.map((r) => ({
              name: r.name,
              recording: r.recording,
              lastStatus: r.lastStatus,
            })),
          },
        }
      },
      (region) => `the status of the Config recorder in ${region} was not returned`,
    )
  },
}

export const accountCloudTrailNotMultiRegion: Rule = {
  id: 'account.cloudtrail-not-multiregion',
  title: 'No multi-region CloudTrail trail is logging',
  severity: 'high',
  rationale:
    'Without a logging multi-region trail, activity in the regions no trail covers leaves no record.',
  remediation: {
    steps: [
      'Create a multi-region trail (an organization trail from the management account covers every member).',
      'Make sure it is logging: `aws cloudtrail start-logging --name <trail>`.',
    ],
    docUrl:
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html',
  },
  controls: {
    cisV3: ['3.1'],
    cisV5: ['3.1'],
    securityHub: ['CloudTrail.1'],
    configRule: ['multi-region-cloudtrail-enabled'],
  },
  parameters: {},
  evaluate(state) {
    const regions = Object.keys(state.regions)
    if (regions.length === 0) return unknown('no region was collected')
    const trails = new Map(
      Object.values(state.regions).flatMap((r) => r.trails.map((t) => [t.arn, t] as const)),
    )
    const multiRegion = [...trails.values()].filter((t) => t.isMultiRegion)
    if (multiRegion.some((t) => t.isLogging === true)) return { findings: [] }
    // A trail whose status was not read may be the one that logs.
    if (multiRegion.some((t) => t.isLogging === null))
      return unknown('the logging status of a multi-region trail was not read')
    // A multi-region trail is listed in every region, so one region read is enough to know.
    const read = regions.filter((region) => !gapFor(state, 'cloudtrail:DescribeTrails', region))
    if (read.length === 0)
      return blockedBy(state, 'cloudtrail:DescribeTrails') ?? unknown('no trail list was read')
    const uncovered = read.filter((region) => !state.regions[region].trails.some((t) => t.isLogging === true))
    return {
      findings: [
        {
          ruleId: 'account.cloudtrail-not-multiregion',
          resourceArn: regionalArn(partitionOf(state), 'cloudtrail', '*', state.accountId, 'trail'),
          title: `Account ${state.accountId} has no logging multi-region CloudTrail trail`,
          evidence: {
            trails: [...trails.values()].map((t) => ({
              name: t.name,
              homeRegion: t.homeRegion,
              isMultiRegion: t.isMultiRegion,
              isLogging: t.isLogging,
            })),
            regionsWithoutLoggingTrail: uncovered,
          },
        },
      ],
    }
  },
}

export const accountExpiredServerCertificate: Rule = {
  id: 'account.expired-server-certificate',
  title: 'Expired server certificate stored in IAM',
  severity: 'medium',
  rationale:
    'An expired certificate still deployable from IAM can be attached to a load balancer by mistake and break or weaken TLS.',
  remediation: {
    steps: [
      'Check that nothing uses the certificate (ELB listeners, CloudFront).',
      'Delete it: `aws iam delete-server-certificate --server-certificate-name <name>`; prefer ACM for new certificates.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html',
  },
  controls: {
    cisV3: ['1.19'],
    cisV5: ['1.18'],
    cisV6: ['2.18'],
    securityHub: ['IAM.26'],
    configRule: ['iam-server-certificate-expiration-check'],
  },
  parameters: {},
  evaluate(state, ctx) {
    const blocked = blockedBy(state, 'iam:ListServerCertificates')
    if (blocked) return blocked
    const findings: Finding[] = []
    for (const certificate of state.serverCertificates) {
      const expiredDays = daysSince(certificate.expiration, ctx.now)
      if (certificate.expiration === null || Date.parse(certificate.expiration) >= ctx.now.getTime()) continue
      findings.push({
        ruleId: 'account.expired-server-certificate',
        resourceArn: certificate.arn,
        title: `Server certificate ${certificate.name} expired on ${certificate.expiration.slice(0, 10)}`,
        evidence: {
          expiration: certificate.expiration,
          expiredForDays: expiredDays,
          uploaded: certificate.uploadDate,
        },
      })
    }
    return { findings }
  },
}

export const ACCOUNT_RULES: readonly Rule[] = [
  accountSupportRoleMissing,
  accountAccessAnalyzerDisabled,
  accountCloudTrailNotMultiRegion,
  accountConfigRecorderOff,
  accountExpiredServerCertificate,
]
