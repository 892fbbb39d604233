/**
 * Roles and their trust policies: who can become the role. Service-linked roles are left out:
 * AWS owns their trust policies and their use.
 */
import type { AccountState, IamRole } from '../../org/account-state.js'
import { accountIndex } from '../support/account-index.js'
import { entitiesBlocked } from '../support/coverage.js'
import { atLeastDaysAgo, daysSince } from '../support/dates.js'
import { numberParam, stringListParam } from '../support/params.js'
import { describeStatement } from '../support/policy-statements.js'
import {
  accountOfPrincipal,
  assumeStatements,
  pinnedToOrg,
  scopesPrincipal,
  type TrustStatement,
} from '../support/trust.js'
import type { Finding, Rule, RuleContext, RuleOutcome, UnknownPart } from '../types.js'

const TRUST_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html'

/** Judges each customer role's trust statements; unreadable trust policies are incomplete. */
function overTrust(
  state: AccountState,
  judge: (role: IamRole, statements: TrustStatement[]) => Finding | undefined,
): RuleOutcome {
  const blocked = entitiesBlocked(state)
  if (blocked) return blocked
  const findings: Finding[] = []
  const incomplete: UnknownPart[] = []
  for (const role of accountIndex(state).customerRoles) {
    const statements = assumeStatements(role)
    if (!statements) {
      incomplete.push({ reason: `trust policy of role ${role.name} was not read or does not parse` })
      continue
    }
    const finding = judge(role, statements)
    if (finding) findings.push(finding)
  }
  return incomplete.length > 0 ? { findings, incomplete } : { findings }
}

/** AWS principals of a statement that sit in an account outside the organization. */
function externalEntries(statement: TrustStatement, state: AccountState, ctx: RuleContext) {
  if (pinnedToOrg(statement, ctx.orgId ?? ctx.orgTree?.snapshot.organization.id)) return []
  return statement.aws
    .map((entry) => ({ principal: entry, accountId: accountOfPrincipal(entry) }))
    .filter(
      (e): e is { principal: string; accountId: string } =>
        e.accountId !== undefined &&
        e.accountId !== state.accountId &&
        !ctx.organizationAccountIds.has(e.accountId),
    )
}

export const roleTrustsAnyPrincipal: Rule = {
  id: 'role.trusts-any-principal',
  title: 'Role can be assumed by any AWS principal',
  severity: 'critical',
  rationale:
    'A trust policy with Principal * and nothing tying the caller to an account lets every AWS account in the world assume the role.',
  remediation: {
    steps: [
      'Replace Principal * by the account or role ARNs that need the role.',
      'If many accounts of the organization need it, keep * but add aws:PrincipalOrgID as a condition.',
    ],
    docUrl: TRUST_DOC,
  },
  controls: {},
  parameters: {},
  evaluate(state) {
    return overTrust(state, (role, statements) => {
      const open = statements.filter((s) => s.wildcard && !scopesPrincipal(s))
      if (open.length === 0) return undefined
      // Conditions that do not name the caller (source IP, MFA) narrow it, but not to anyone known.
      const conditioned = open.every((s) => s.statement.conditions.length > 0)
      return {
        ruleId: 'role.trusts-any-principal',
        resourceArn: role.arn,
        title: `Role ${role.name} can be assumed by any AWS principal`,
        evidence: { statements: open.map((s) => describeStatement(s.statement)) },
        ...(conditioned ? { severity: 'high' as const } : {}),
      }
    })
  },
}

export const roleExternalTrustWithoutExternalId: Rule = {
  id: 'role.external-trust-without-external-id',
  title: 'Role trusts an outside account without an external id',
  severity: 'high',
  rationale:
    'A vendor account trusted without sts:ExternalId can be tricked by any of its other customers into using your role (confused deputy).',
  remediation: {
    steps: [
      'Ask the vendor for the external id it assigned to you.',
      'Add a StringEquals condition on sts:ExternalId with that value to the trust statement.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
  },
  controls: {},
  parameters: {},
  evaluate(state, ctx) {
    return overTrust(state, (role, statements) => {
      const unprotected = statements
        .filter((s) => !s.pinnedKeys.has('sts:externalid'))
        .map((s) => ({ statement: s, external: externalEntries(s, state, ctx) }))
        .filter((s) => s.external.length > 0)
      if (unprotected.length === 0) return undefined
      const accounts = [...new Set(unprotected.flatMap((s) => s.external.map((e) => e.accountId)))]
      return {
        ruleId: 'role.external-trust-without-external-id',
        resourceArn: role.arn,
        title: `Role ${role.name} trusts account ${accounts.join(', ')} outside the organization without sts:ExternalId`,
        evidence: {
          externalAccounts: accounts,
          principals: unprotected.flatMap((s) => s.external.map((e) => e.principal)),
          statements: unprotected.map((s) => describeStatement(s.statement.statement)),
        },
      }
    })
  },
}

export const roleTrustsAccountOutsideOrg: Rule = {
  id: 'role.trusts-account-outside-org',
  title: 'Role trusts an account outside the organization',
  severity: 'info',
  rationale: 'An inventory of who outside the organization can enter it, to review against vendor contracts.',
  remediation: {
    steps: [
      'Check that each external account belongs to a vendor with a current contract.',
      'Remove trust for accounts that no longer need access.',
    ],
    docUrl: TRUST_DOC,
  },
  controls: {},
  parameters: {},
  evaluate(state, ctx) {
    return overTrust(state, (role, statements) => {
      const entries = statements.flatMap((s) =>
        externalEntries(s, state, ctx).map((e) => ({ ...e, externalId: s.pinnedKeys.has('sts:externalid') })),
      )
      if (entries.length === 0) return undefined
      const accounts = [...new Set(entries.map((e) => e.accountId))]
      return {
        ruleId: 'role.trusts-account-outside-org',
        resourceArn: role.arn,
        title: `Role ${role.name} trusts account ${accounts.join(', ')} outside the organization`,
        evidence: { externalAccounts: accounts, principals: entries },
      }
    })
  },
}

const SOURCE_KEYS = ['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceorgid', 'aws:sourceorgpaths']

export const roleServiceTrustWithoutSourceCondition: Rule = {
  id: 'role.service-trust-without-source-condition',
  title: 'Service trust without aws:SourceArn or aws:SourceAccount',
  severity: 'medium',
  rationale:
    'A service trusted without a source condition can be steered by another customer’s resource into using the role (cross-service confused deputy).',
  remediation: {
    steps: [
      'Add aws:SourceAccount (your account id) and, where the service sets it, aws:SourceArn (the resource that uses the role) to the trust statement.',
    ],
    docUrl:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention',
  },
  controls: {},
  parameters: {
    exemptServices: {
      type: 'string[]',
      default: ['ec2.amazonaws.com'],
      description:
        'Service principals not judged. EC2 hands an instance-profile role only to instances launched in the role’s own account by someone allowed to pass it; there is no calling resource to pin.',
    },
  },
  evaluate(state, _ctx, params) {
    const exempt = new Set(stringListParam(params, 'exemptServices').map((s) => s.toLowerCase()))
    return overTrust(state, (role, statements) => {
      const open = statements.filter(
        (s) => s.services.some((svc) => !exempt.has(svc)) && !SOURCE_KEYS.some((k) => s.pinnedKeys.has(k)),
      )
      if (open.length === 0) return undefined
      const services = [...new Set(open.flatMap((s) => s.services.filter((svc) => !exempt.has(svc))))]
      return {
        ruleId: 'role.service-trust-without-source-condition',
        resourceArn: role.arn,
        title: `Role ${role.name} trusts ${services.join(', ')} without a source condition`,
        evidence: { services, statements: open.map((s) => describeStatement(s.statement)) },
      }
    })
  },
}

export const roleUnused: Rule = {
  id: 'role.unused',
  title: 'Role not used recently',
  severity: 'low',
  rationale: 'Roles nobody assumes keep their permissions and trust; they are forgotten doors.',
  remediation: {
    steps: [
      'Check with the owner (tags, CloudTrail) whether the role is still needed; break-glass roles are expected to be idle.',
      'Delete the role, or remove its trust, if it is not.',
    ],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html',
  },
  controls: {},
  parameters: {
    days: {
      type: 'number',
      default: 90,
      min: 1,
      max: 400,
      description: 'Roles unused this long are a finding.',
    },
  },
  evaluate(state, ctx, params) {
    const blocked = entitiesBlocked(state)
    if (blocked) return blocked
    const days = numberParam(params, 'days')
    const findings: Finding[] = []
    for (const role of accountIndex(state).customerRoles) {
      // Never used: the clock starts at creation (IAM tracks the last 400 days of use).
      const since = role.lastUsed?.date ?? role.createDate
      if (!atLeastDaysAgo(since, days, ctx.now)) continue
      const title = role.lastUsed
        ? `Role ${role.name} was last used ${daysSince(role.lastUsed.date, ctx.now)} days ago`
        : `Role ${role.name} has no recorded use since it was created ${daysSince(role.createDate, ctx.now)} days ago`
      findings.push({
        ruleId: 'role.unused',
        resourceArn: role.arn,
        title,
        evidence: { lastUsed: role.lastUsed, created: role.createDate, unusedForDays: days },
      })
    }
    return { findings }
  },
}

export const ROLE_RULES: readonly Rule[] = [
  roleTrustsAnyPrincipal,
  roleExternalTrustWithoutExternalId,
  roleTrustsAccountOutsideOrg,
  roleServiceTrustWithoutSourceCondition,
  roleUnused,
]
