/**
 * AWS-managed policies, read once and shared by every account of a sweep.
 *
 * Their documents are the same in every account of a partition, and GetAccountAuthorizationDetails
 * would return them (with every version: ReadOnlyAccess alone has over a hundred) in each
 * account. So accounts read GAAD without them and ask here for the ones they use:
 * - which version is the default: ListPolicies Scope=AWS, once per sweep (two pages of 1,000,
 *   about 1,400 policies); GetPolicy only for an ARN that list lacks (a deprecated policy);
 * - the document: GetPolicyVersion once per (policy, version), kept across sweeps since a
 *   version's document never changes.
 * A sweep whose accounts use D distinct AWS-managed policies costs 2 + D calls the first time and
 * 2 + (new default versions) after, instead of GAAD pages full of the same documents per account.
 *
 * The cache is per process: W worker processes make at most W such reads per sweep.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  type Policy,
  type PolicyVersion,
  paginateListPolicies,
} from '@aws-sdk/client-iam'
import type { RawApiError, RawManagedPolicyDetail } from '../org/raw-account-data.js'
import { call, pages } from './aws-call.js'
import { classifyError } from './errors.js'
import { gapOrThrow } from './outcome.js'

export interface ManagedPolicyLookup {
  /** By ARN: the policy with its default version only (counts are the account's to fill in). */
  policies: Map<string, RawManagedPolicyDetail>
  /** ARNs that could not be read, with the refusal. */
  failures: Array<{ arn: string; api: string; error: RawApiError }>
}

export interface ManagedPolicyCatalogOptions {
  /** Sweeps whose default-version index is kept. Default 4. */
  sweeps?: number
  /** Policy versions kept. Default 5,000 (a few MB). */
  documents?: number
}

const isRefusal = (err: unknown) => ['denied', 'refused'].includes(classifyError(err))

export class ManagedPolicyCatalog {
  private readonly indexes = new Map<string, Promise<Map<string, Policy> | null>>()
  private readonly policies = new Map<string, Promise<Policy>>()
  private readonly documents = new Map<string, Promise<PolicyVersion>>()
  private readonly maxSweeps: number
  private readonly maxDocuments: number

  constructor(options: ManagedPolicyCatalogOptions = {}) {
    this.maxSweeps = options.sweeps ?? 4
    this.maxDocuments = options.documents ?? 5_000
  }

  /** `sweepKey` scopes the default versions (sweep id and partition); `iam` is the asking account's client. */
  async lookup(
    sweepKey: string,
    arns: string[],
    iam: IAMClient,
    signal?: AbortSignal,
  ): Promise<ManagedPolicyLookup> {
    const result: ManagedPolicyLookup = { policies: new Map(), failures: [] }
    if (arns.length === 0) return result
    const index = await this.index(sweepKey, iam, signal)
    await Promise.all(
      [...new Set(arns)].map(async (arn) => {
        let api = 'iam:GetPolicy'
        try {
          const policy = index?.get(arn) ?? (await this.policy(sweepKey, arn, iam, signal))
          const versionId = policy.DefaultVersionId ?? ''
          api = 'iam:GetPolicyVersion'
          const version = await this.document(arn, versionId, iam, signal)
          result.policies.set(arn, toDetail(policy, version))
        } catch (err) {
          result.failures.push({ arn, api, error: gapOrThrow(api, err, `AWS-managed policy ${arn}`) })
        }
      }),
    )
    return result
  }

  /** Default versions of all AWS-managed policies, or null when ListPolicies is refused. */
  private index(sweepKey: string, iam: IAMClient, signal?: AbortSignal) {
    return shared(this.indexes, sweepKey, this.maxSweeps, async () => {
      try {
        const all = await pages(
          'iam:ListPolicies',
          (o) => paginateListPolicies({ client: iam, pageSize: 1000 }, { Scope: 'AWS' }, o),
          { signal, more: (page) => page.IsTruncated === true },
        )
        return new Map(all.flatMap((page) => page.Policies ?? []).map((policy) => [policy.Arn ?? '', policy]))
      } catch (err) {
        // Without the index each ARN is read with GetPolicy: slower, still correct.
        if (isRefusal(err)) return null
        throw err
      }
    })
  }

  private policy(sweepKey: string, arn: string, iam: IAMClient, signal?: AbortSignal) {
    return shared(this.policies, `${sweepKey}|${arn}`, this.maxDocuments, async () => {
      const out = await call('iam:GetPolicy', (o) => iam.send(new GetPolicyCommand({ PolicyArn: arn }), o), {
        signal,
      })
      if (!out.Policy)
        throw Object.assign(new Error(`GetPolicy returned nothing for ${arn}`), {
          name: 'NoSuchEntity',
          $fault: 'client',
        })
      return out.Policy
    })
  }

  private document(arn: string, versionId: string, iam: IAMClient, signal?: AbortSignal) {
    return shared(this.documents, `${arn}#${versionId}`, this.maxDocuments, async () => {
      const out = await call(
        'iam:GetPolicyVersion',
        (o) => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }), o),
        { signal },
      )
      if (!out.PolicyVersion?.Document) {
        throw Object.assign(new Error(`GetPolicyVersion returned no document for ${arn} ${versionId}`), {
          name: 'NoSuchEntity',
          $fault: 'client',
        })
      }
      return out.PolicyVersion
    })
  }
}

/**
 * Single flight over a bounded map: concurrent askers share one request. A failure is not kept;
 * an asker that joined someone else's refused request tries once with its own credentials
 * (another account's audit role may lack a permission that ours has).
 */
async function shared<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  max: number,
  fetch: () => Promise<T>,
): Promise<T> {
  const existing = cache.get(key)
  if (existing) {
    try {
      return await existing
    } catch (err) {
      if (!isRefusal(err)) throw err
    }
  }
  const promise = fetch()
  cache.set(key, promise)
  promise.catch(() => {
    if (cache.get(key) === promise) cache.delete(key)
  })
  while (cache.size > max) cache.delete(cache.keys().next().value as string)
  return promise
}

function toDetail(policy: Policy, version: PolicyVersion): RawManagedPolicyDetail {
  return {
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: policy.DefaultVersionId,
    IsAttachable: policy.IsAttachable,
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    PolicyVersionList: [
      {
        Document: version.Document,
        VersionId: version.VersionId,
        IsDefaultVersion: true,
        CreateDate: version.CreateDate,
      },
    ],
  }
}
