/** IAM and STS over awsQuery: exactly the operations Orgwarden calls, answered as IAM does. */
import { type AccountGenerator, type AuthorizationEntity, MANAGED_POLICIES, managedArn } from './account.js'
import type { SimAccount } from './organization.js'
import { offsetOf, queryList, SimError, type SimRequest, token } from './protocol.js'
import { rng } from './random.js'
import { el, esc, iso, members, queryResponse, raw } from './xml.js'

export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/'
export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/'
const DAY = 86_400_000

/** Session credentials name their account, so later requests can be answered for it. */
export function sessionKeyId(accountId: string): string {
  return `ASIAS${accountId}SIM`
}
export function accountOfKeyId(keyId: string): string | null {
  return /^ASIAS(\d{12})SIM$/.exec(keyId)?.[1] ?? null
}

/** AWS-managed policies beyond the ones accounts use, so ListPolicies Scope=AWS pages like AWS (~1,400). */
const FILLER_POLICIES = 1_400 - Object.keys(MANAGED_POLICIES).length

export class IamHandler {
  /** Rendered GAAD entity lists of recent accounts (a collection reads every page in a row). */
  private readonly gaad = new Map<string, AuthorizationEntity[]>()
  private awsPolicyPages: string[] | null = null

  constructor(
    private readonly gen: AccountGenerator,
    private readonly account: (id: string) => SimAccount | undefined,
  ) {}

  sts(req: SimRequest): string {
    if (req.operation !== 'AssumeRole')
      throw new SimError(400, 'InvalidAction', `${req.operation} is not simulated`)
    const roleArn = req.params.get('RoleArn') ?? ''
    const session = req.params.get('RoleSessionName') ?? ''
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn)
    const target = match ? this.account(match[1]) : undefined
    const org = this.gen.org
    const hub = target?.id === org.managementAccountId && match?.[2] !== org.options.auditRoleName
    if (
      !match ||
      !target ||
      target.state !== 'ACTIVE' ||
      target.roleMissing ||
      (match[2] !== org.options.auditRoleName && !hub)
    ) {
      throw new SimError(
        403,
        'AccessDenied',
        `User: arn:aws:iam::${req.caller}:user/orgwarden is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      )
    }
    const seconds = Number(req.params.get('DurationSeconds') ?? 3600)
    const r = rng(org.options.seed, `session|${target.id}|${session}`)
    const secret = Array.from({ length: 40 }, () =>
      r.pick([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789']),
    ).join('')
    const result =
      raw(
        'Credentials',
        el('AccessKeyId', sessionKeyId(target.id)) +
          el('SecretAccessKey', secret) +
          el('SessionToken', `FwoGZXIvYXdzE${secret}${secret}${target.id}`) +
          el('Expiration', iso(Date.now() + seconds * 1000)),
      ) +
      raw(
        'AssumedRoleUser',
        el('AssumedRoleId', `AROASIM${target.index}:${session}`) +
          el('Arn', `arn:aws:sts::${target.id}:assumed-role/${match[2]}/${session}`),
      )
    return queryResponse('AssumeRole', STS_NS, result, req.requestId)
  }

  iam(req: SimRequest): string {
    const account = this.account(req.caller)
    if (!account)
      throw new SimError(
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      )
    const result = this.result(req, account)
    return queryResponse(req.operation, IAM_NS, result, req.requestId)
  }

  private result(req: SimRequest, account: SimAccount): string {
    const gen = this.gen
    const profile = gen.profile(account)
    const p = req.params
    switch (req.operation) {
      case 'GetAccountAuthorizationDetails':
        return this.authorizationDetails(account, p)
      case 'GenerateCredentialReport':
        return (
          el('State', 'COMPLETE') +
          el('Description', 'No report exists. Starting a new report generation task')
        )
      case 'GetCredentialReport':
        return (
          el('Content', Buffer.from(gen.credentialReport(account)).toString('base64')) +
          el('ReportFormat', 'text/csv') +
          el('GeneratedTime', iso(gen.now - 3_600_000))
        )
      case 'GetAccountPasswordPolicy':
        if (profile.passwordPolicy === 'none')
          throw new SimError(
            404,
            'NoSuchEntity',
            `The Password Policy with domain name ${account.id} cannot be found.`,
          )
        return raw(
          'PasswordPolicy',
          profile.passwordPolicy === 'strong'
            ? el('MinimumPasswordLength', 14) +
                el('RequireSymbols', true) +
                el('RequireNumbers', true) +
                el('RequireUppercaseCharacters', true) +
                el('RequireLowercaseCharacters', true) +
                el('AllowUsersToChangePassword', true) +
                el('ExpirePasswords', true) +
                el('MaxPasswordAge', 90) +
                el('PasswordReusePrevention', 24) +
                el('HardExpiry', false)
            : el('MinimumPasswordLength', 8) +
                el('RequireSymbols', false) +
                el('RequireNumbers', true) +
                el('RequireUppercaseCharacters', false) +
                el('RequireLowercaseCharacters', true) +
                el('AllowUsersToChangePassword', true) +
                el('ExpirePasswords', false),
        )
      case 'GetAccountSummary': {
        const o = gen.org.options
        const summary: Record<string, number> = {
          Users: o.users,
          Roles: o.roles,
          Groups: 4,
          Policies: o.policies,
          AccountMFAEnabled: profile.rootMfa === 'none' ? 0 : 1,
          AccountAccessKeysPresent: profile.rootAccessKey ? 1 : 0,
          AccountSigningCertificatesPresent: 0,
          MFADevices: 0,
          MFADevicesInUse: 0,
          UsersQuota: 5000,
          RolesQuota: 1000,
          PoliciesQuota: 1500,
          ServerCertificates: profile.expiredCertificate ? 2 : 1,
        }
        return raw(
          'SummaryMap',
          Object.entries(summary)
            .map(([k, v]) => `<entry><key>${k}</key><value>${v}</value></entry>`)
            .join(''),
        )
      }
      case 'ListVirtualMFADevices': {
        const devices: string[] = []
        if (profile.rootMfa === 'virtual')
          devices.push(
            el('SerialNumber', `arn:aws:iam::${account.id}:mfa/root-account-mfa-device`) +
              raw(
                'User',
                el('UserId', account.id) +
                  el('Arn', `arn:aws:iam::${account.id}:root`) +
                  el('CreateDate', iso(account.joinedAt)),
              ) +
              el('EnableDate', iso(account.joinedAt + DAY)),
          )
        for (const user of gen.users(account))
          if (user.mfa)
            devices.push(
              el('SerialNumber', `arn:aws:iam::${account.id}:mfa/${user.name}`) +
                raw(
                  'User',
                  el('Path', '/') +
                    el('UserName', user.name) +
                    el('UserId', `AIDA${account.id}${user.name.slice(-3)}`) +
                    el('Arn', `arn:aws:iam::${account.id}:user/${user.name}`) +
                    el('CreateDate', iso(user.created)),
                ) +
                el('EnableDate', iso(user.created + DAY)),
            )
        return this.page('VirtualMFADevices', devices, p)
      }
      case 'ListServerCertificates': {
        const certificate = (name: string, expires: number) =>
          el('Path', '/') +
          el('ServerCertificateName', name) +
          el('ServerCertificateId', `ASCA${name.toUpperCase()}SIM`) +
          el('Arn', `arn:aws:iam::${account.id}:server-certificate/${name}`) +
          el('UploadDate', iso(expires - 365 * DAY)) +
          el('Expiration', iso(expires))
        const list = [certificate('api-current', gen.now + 200 * DAY)]
        if (profile.expiredCertificate) list.push(certificate('api-2023', gen.now - 300 * DAY))
        return this.page('ServerCertificateMetadataList', list, p)
      }
      case 'ListPolicies':
        if (p.get('Scope') !== 'AWS')
          throw new SimError(400, 'InvalidInput', 'the simulator lists AWS-managed policies only')
        return this.awsPolicies(p)
      case 'GetPolicyVersion': {
        const arn = p.get('PolicyArn') ?? ''
        const policy = awsPolicy(arn)
        if (!policy || policy.version !== p.get('VersionId'))
          throw new SimError(
            404,
            'NoSuchEntity',
            `Policy ${arn} version ${p.get('VersionId')} does not exist or is not attachable.`,
          )
        return raw(
          'PolicyVersion',
          el('Document', encodeURIComponent(policy.document)) +
            el('VersionId', policy.version) +
            el('IsDefaultVersion', true) +
            el('CreateDate', iso(Date.UTC(2024, 0, 1))),
        )
      }
      case 'GetPolicy': {
        const arn = p.get('PolicyArn') ?? ''
        const policy = awsPolicy(arn)
        if (!policy)
          throw new SimError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`)
        return raw('Policy', policySummary(policy.name, arn, policy.version))
      }
      default:
        throw new SimError(400, 'InvalidAction', `${req.operation} is not simulated`)
    }
  }

  private authorizationDetails(account: SimAccount, p: URLSearchParams): string {
    const filter = new Set(queryList(p, 'Filter'))
    const marker = p.get('Marker')
    let all = marker ? this.gaad.get(account.id) : undefined
    if (!all) {
      all = this.gen.authorizationEntities(account)
      this.gaad.set(account.id, all)
      while (this.gaad.size > 64) this.gaad.delete(this.gaad.keys().next().value as string)
    }
    const wanted = filter.size === 0 ? all : all.filter((e) => filter.has(e.kind))
    const max = clamp(Number(p.get('MaxItems') ?? 100), 1, 1000)
    const from = offsetOf(marker ?? '')
    const slice = wanted.slice(from, from + max)
    const more = from + max < wanted.length
    if (!more) this.gaad.delete(account.id)
    const of = (kind: string) => slice.filter((e) => e.kind === kind).map((e) => e.xml)
    const strip = (xml: string) => xml.slice('<member>'.length, -'</member>'.length)
    return (
      members('UserDetailList', of('User').map(strip)) +
      members('GroupDetailList', of('Group').map(strip)) +
      members('RoleDetailList', of('Role').map(strip)) +
      members('Policies', of('LocalManagedPolicy').map(strip)) +
      el('IsTruncated', more) +
      (more ? el('Marker', token(from + max)) : '')
    )
  }

  private page(listName: string, items: string[], p: URLSearchParams): string {
    const max = clamp(Number(p.get('MaxItems') ?? 100), 1, 1000)
    const from = offsetOf(p.get('Marker') ?? '')
    const more = from + max < items.length
    return (
      members(listName, items.slice(from, from + max)) +
      el('IsTruncated', more) +
      (more ? el('Marker', token(from + max)) : '')
    )
  }

  private awsPolicies(p: URLSearchParams): string {
    this.awsPolicyPages ??= [
      ...Object.values(MANAGED_POLICIES).map((m) => policySummary(m.name, managedArn(m.name), m.version)),
      ...Array.from({ length: FILLER_POLICIES }, (_, i) => {
        const name = `AWSSimulatedServicePolicy${String(i).padStart(4, '0')}`
        return policySummary(name, `arn:aws:iam::aws:policy/${name}`, `v${(i % 9) + 1}`)
      }),
    ]
    return this.page('Policies', this.awsPolicyPages, p)
  }
}

function awsPolicy(arn: string) {
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  const policy = MANAGED_POLICIES[name]
  return policy && managedArn(name) === arn ? policy : undefined
}

function policySummary(name: string, arn: string, version: string): string {
  return (
    el('PolicyName', name) +
    el('PolicyId', `ANPA${esc(name.slice(0, 12).toUpperCase())}`) +
    el('Arn', arn) +
    el('Path', arn.slice('arn:aws:iam::aws:policy'.length, arn.lastIndexOf('/') + 1)) +
    el('DefaultVersionId', version) +
    el('AttachmentCount', 1) +
    el('PermissionsBoundaryUsageCount', 0) +
    el('IsAttachable', true) +
    el('CreateDate', iso(Date.UTC(2015, 1, 6))) +
    el('UpdateDate', iso(Date.UTC(2024, 0, 1)))
  )
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.max(min, Math.min(max, Math.trunc(n))) : min
}
