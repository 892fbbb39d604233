/**
 * The organization as Organizations reports it → OrgSnapshot (plain data).
 *
 * Tree and accounts come from one walk: ListRoots, then per parent (root or OU)
 * ListOrganizationalUnitsForParent + ListAccountsForParent. The accounts carry their parent that
 * way, which ListAccounts would not: ListAccounts + ListParents per account costs
 * ceil(N/20) + N calls (1,050 for 1,000 accounts), the walk costs about 2 per parent plus one per
 * extra page (about 150 for 50 OUs).
 *
 * The walk, the policies and the delegated administrators use different throttle buckets, so
 * they run side by side: the read takes as long as the slowest of them, not their sum.
 *
 * The tree, accounts and policies are the core: a failure there fails the read. Delegated
 * administrators are context (who administers what): when they are refused, the snapshot keeps
 * them empty and `warnings` says so. Account tags are not part of this read: they cost one call
 * per account, so the sweep takes them from the store and refreshes them beside its account phase
 * (`readAccountTags`).
 */
import {
  type Account,
  DescribeOrganizationCommand,
  paginateListAccountsForParent,
  paginateListDelegatedAdministrators,
  paginateListDelegatedServicesForAccount,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations'
import type { OnAccountsFound } from '../org/source.js'
import type {
  AccountStatus,
  DelegatedAdministrator,
  OrgAccount,
  OrgRoot,
  OrgSnapshot,
  OrgUnit,
  PolicyType,
} from '../org/types.js'
import { countedAs } from './call-stats.js'
import { AwsCallError, classifyError } from './errors.js'
import { concurrencyLimit } from './limiter.js'
import { attachedEverywhere, readOrgPolicies } from './org-policies-reader.js'
import type { OrganizationsDeps } from './organizations-throttle.js'

export interface OrganizationRead {
  snapshot: OrgSnapshot
  /** Context that could not be read (tags, delegated administrators), one sentence each. */
  warnings: string[]
}

/** Organizations' largest page. */
const PAGE = 20

export async function readOrganization(
  deps: OrganizationsDeps,
  onAccounts?: OnAccountsFound,
): Promise<OrganizationRead> {
  const organization = await describe(deps)
  const roots = await readRoots(deps)
  const warnings: string[] = []
  const policyTypes = enabledPolicyTypes(roots, organization.featureSet)
  const [{ units, accounts }, policies, delegatedAdministrators] = await Promise.all([
    walk(deps, roots, organization.id, onAccounts),
    guard('organizations:ListPolicies', () => readOrgPolicies(deps, policyTypes)),
    context(warnings, 'delegated administrators', () => readDelegatedAdministrators(deps), []),
  ])
  const everyNode = [...roots, ...units, ...accounts].map((node) => node.id)
  return {
    snapshot: {
      organization,
      roots,
      organizationalUnits: units,
      // Filled in from the store by the sweep (see readAccountTags).
      accounts: accounts.map((account) => ({ ...account, tags: {} })),
      policies: policies.map((p) => (attachedEverywhere(p) ? { ...p, targets: everyNode } : p)),
      delegatedAdministrators,
    },
    warnings,
  }
}

async function describe({ client, throttle, signal }: OrganizationsDeps) {
  const out = await guard('organizations:DescribeOrganization', () =>
    throttle.call('DescribeOrganization', (o) => client.send(new DescribeOrganizationCommand({}), o), signal),
  )
  const org = out.Organization
  if (!org?.Id || !org.Arn || !org.MasterAccountId) {
    throw new Error('DescribeOrganization returned no organization (is this account in an organization?)')
  }
  return {
    id: org.Id,
    arn: org.Arn,
    managementAccountId: org.MasterAccountId,
    featureSet:
      org.FeatureSet === 'CONSOLIDATED_BILLING' ? ('CONSOLIDATED_BILLING' as const) : ('ALL' as const),
  }
}

async function readRoots({ client, throttle, signal }: OrganizationsDeps): Promise<OrgRoot[]> {
  const pages = await guard('organizations:ListRoots', () =>
    throttle.list('ListRoots', (o) => paginateListRoots({ client, pageSize: PAGE }, {}, o), signal),
  )
  return pages.flatMap((page) =>
    (page.Roots ?? []).map((root) => ({
      id: root.Id ?? '',
      arn: root.Arn ?? '',
      name: root.Name ?? 'Root',
      policyTypes: (root.PolicyTypes ?? [])
        .filter((type) => type.Status === 'ENABLED')
        .map((type) => type.Type)
        .filter(
          (type): type is PolicyType =>
            type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY',
        ),
    })),
  )
}

type AccountWithoutTags = Omit<OrgAccount, 'tags'>

/**
 * Breadth-first over the tree; every parent's two listings run under the throttle. Each parent's
 * accounts go to `onAccounts` as soon as they are listed; the walk ends once those calls have.
 */
async function walk(deps: OrganizationsDeps, roots: OrgRoot[], orgId: string, onAccounts?: OnAccountsFound) {
  const { client, throttle, signal } = deps
  const units: OrgUnit[] = []
  const accounts: AccountWithoutTags[] = []
  const paths = new Map(roots.map((root) => [root.id, `${orgId}/${root.id}/`]))
  const handedOver: Promise<void>[] = []
  let parents = roots.map((root) => root.id)
  while (parents.length > 0) {
    const found = await Promise.all(
      parents.map(async (parentId) => {
        const [unitPages, accountPages] = await Promise.all([
          guard('organizations:ListOrganizationalUnitsForParent', () =>
            throttle.list(
              'ListOrganizationalUnitsForParent',
              (o) =>
                paginateListOrganizationalUnitsForParent(
                  { client, pageSize: PAGE },
                  { ParentId: parentId },
                  o,
                ),
              signal,
            ),
          ),
          guard('organizations:ListAccountsForParent', () =>
            throttle.list(
              'ListAccountsForParent',
              (o) => paginateListAccountsForParent({ client, pageSize: PAGE }, { ParentId: parentId }, o),
              signal,
            ),
          ),
        ])
        const children = unitPages.flatMap((page) => page.OrganizationalUnits ?? [])
        const path = paths.get(parentId) ?? ''
        for (const unit of children) {
          units.push({ id: unit.Id ?? '', arn: unit.Arn ?? '', name: unit.Name ?? '', parentId })
          paths.set(unit.Id ?? '', `${path}${unit.Id ?? ''}/`)
        }
        const listed = accountPages.flatMap((page) => page.Accounts ?? []).map((a) => toAccount(a, parentId))
        accounts.push(...listed)
        if (onAccounts && listed.length > 0) {
          const handing = onAccounts(
            listed.map((a) => ({ id: a.id, name: a.name, status: a.status, ouPath: path })),
          )
          // Awaited once the walk ends; handled now so a failure cannot go unobserved meanwhile.
          handing.catch(() => {})
          handedOver.push(handing)
        }
        return children.map((unit) => unit.Id ?? '').filter((id) => id !== '')
      }),
    )
    parents = found.flat()
  }
  await Promise.all(handedOver)
  return { units, accounts }
}

function toAccount(account: Account, parentId: string): AccountWithoutTags {
  return {
    id: account.Id ?? '',
    arn: account.Arn ?? '',
    name: account.Name ?? '',
    email: account.Email ?? '',
    status: accountStatus(account),
    joinedMethod: account.JoinedMethod === 'INVITED' ? 'INVITED' : 'CREATED',
    joinedAt: account.JoinedTimestamp?.toISOString() ?? new Date(0).toISOString(),
    parentId,
  }
}

/**
 * `State` replaces the deprecated `Status`. Our model knows three states: CLOSED is reported as
 * SUSPENDED (AWS keeps closed accounts suspended for 90 days), and PENDING_ACTIVATION also as
 * SUSPENDED: neither can be collected, and both stay out of a sweep unless asked for.
 */
export function accountStatus(account: Pick<Account, 'State' | 'Status'>): AccountStatus {
  const state = account.State ?? account.Status
  if (state === 'ACTIVE') return 'ACTIVE'
  if (state === 'PENDING_CLOSURE') return 'PENDING_CLOSURE'
  return 'SUSPENDED'
}

function enabledPolicyTypes(roots: OrgRoot[], featureSet: 'ALL' | 'CONSOLIDATED_BILLING'): PolicyType[] {
  // Without all features there are no SCPs or RCPs, and asking for them is an error.
  if (featureSet !== 'ALL') return []
  return [...new Set(roots.flatMap((root) => root.policyTypes))]
}

async function readDelegatedAdministrators(deps: OrganizationsDeps): Promise<DelegatedAdministrator[]> {
  const { client, throttle, signal } = deps
  const pages = await throttle.list(
    'ListDelegatedAdministrators',
    (o) => paginateListDelegatedAdministrators({ client, pageSize: PAGE }, {}, o),
    signal,
  )
  const ids = pages.flatMap((page) => page.DelegatedAdministrators ?? []).map((admin) => admin.Id ?? '')
  const perAccount = await Promise.all(
    ids
      .filter((id) => id !== '')
      .map(async (accountId) => {
        const servicePages = await throttle.list(
          'ListDelegatedServicesForAccount',
          (o) =>
            paginateListDelegatedServicesForAccount({ client, pageSize: PAGE }, { AccountId: accountId }, o),
          signal,
        )
        return servicePages
          .flatMap((page) => page.DelegatedServices ?? [])
          .map((service) => ({ accountId, servicePrincipal: service.ServicePrincipal ?? '' }))
      }),
  )
  return perAccount.flat()
}

export interface AccountTagsRead {
  /** Accounts whose tags were read. */
  read: number
  /** Why the rest were not (refused), one sentence; undefined when all were read. */
  warning?: string
}

/**
 * Tag reads a refresh hands the throttle at once. A request waits for its API's token in one of
 * the throttle's shared slots (so it is sent when paced, not in a burst); handed all at once,
 * the hundreds of tag reads of a refresh filled every slot and the queue behind them, and a
 * sweep's organization read waited for all of them (202 s instead of 16 s at 1,000 accounts).
 */
const TAG_READS_IN_FLIGHT = 2

/**
 * One ListTagsForResource per account (Organizations has no bulk call for account tags), paced by
 * the throttle, at most TAG_READS_IN_FLIGHT at a time; `onBatch` receives them as they come,
 * `batchSize` accounts at a time, so a long read keeps what it got if it is interrupted. A refusal
 * (access denied) ends the read with a warning; throttling beyond the SDK's retries and other
 * failures are thrown.
 */
export async function readAccountTags(
  deps: OrganizationsDeps,
  accountIds: readonly string[],
  onBatch: (tags: Map<string, Record<string, string>>) => Promise<void>,
  batchSize = 50,
): Promise<AccountTagsRead> {
  const { client, throttle } = deps
  // The first failure stops the calls still waiting for a token: they would fail alike.
  const stop = new AbortController()
  const signal = deps.signal
    ? countedAs(AbortSignal.any([deps.signal, stop.signal]), deps.signal)
    : stop.signal
  let batch = new Map<string, Record<string, string>>()
  let read = 0
  let saved = Promise.resolve()
  const flush = () => {
    const full = batch
    batch = new Map()
    saved = saved.then(() => onBatch(full))
    // Handled here so a failed save cannot crash the process before the read ends; awaited below.
    saved.catch(() => {})
  }
  let failure: unknown
  const inFlight = concurrencyLimit(TAG_READS_IN_FLIGHT)
  await Promise.all(
    accountIds.map(async (accountId) => {
      try {
        const pages = await inFlight(() =>
          throttle.list(
            'ListTagsForResource',
            (o) => paginateListTagsForResource({ client }, { ResourceId: accountId }, o),
            signal,
          ),
        )
        const tags: Record<string, string> = {}
        for (const page of pages)
          for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? ''
        batch.set(accountId, tags)
        read++
        if (batch.size >= batchSize) flush()
      } catch (err) {
        if (failure === undefined) failure = err
        stop.abort()
      }
    }),
  )
  if (batch.size > 0) flush()
  await saved
  if (failure === undefined) return { read }
  return { read, warning: refusal('account tags', failure) }
}

/** Core reads: every failure is thrown, as an AwsCallError that names the call and its kind. */
async function guard<T>(api: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof AwsCallError || classifyError(err) === 'unknown') throw err
    throw new AwsCallError(api, classifyError(err), err, 'reading the organization')
  }
}

/** Context reads: a refusal becomes a warning; throttling, 5xx and bugs still fail the read. */
async function context<T>(warnings: string[], what: string, read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read()
  } catch (err) {
    warnings.push(refusal(what, err))
    return fallback
  }
}

/** The warning for a refused context read; any other failure is thrown, named. */
function refusal(what: string, err: unknown): string {
  const kind = classifyError(err)
  if (kind === 'denied' || kind === 'refused')
    return `${what} not read: ${new AwsCallError(`organizations (${what})`, kind, err).message}`
  if (kind === 'unknown') throw err
  throw new AwsCallError(`organizations (${what})`, kind, err, 'reading the organization')
}
