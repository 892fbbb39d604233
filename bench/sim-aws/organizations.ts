/** Organizations over awsJson1_1: the reads Orgwarden makes, paginated at most 20 per page. */
import type { SimAccount, SimOrganization } from './organization.js'
import { offsetOf, SimError, type SimRequest, token } from './protocol.js'

const PAGE_MAX = 20

export function organizations(org: SimOrganization, req: SimRequest): unknown {
  const input = req.json
  if (req.caller !== org.managementAccountId)
    throw new SimError(400, 'AccessDeniedException', 'You don’t have permissions to access this resource.')
  switch (req.operation) {
    case 'DescribeOrganization':
      return {
        Organization: {
          Id: org.id,
          Arn: org.arn,
          FeatureSet: 'ALL',
          MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
          MasterAccountId: org.managementAccountId,
          MasterAccountEmail: 'aws+0@example.com',
          AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      }
    case 'ListRoots':
      return page(input, 'Roots', [
        {
          Id: org.rootId,
          Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`,
          Name: 'Root',
          PolicyTypes: [
            { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
            { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
          ],
        },
      ])
    case 'ListOrganizationalUnitsForParent': {
      const parent = parentOf(org, input.ParentId)
      return page(
        input,
        'OrganizationalUnits',
        (org.unitsByParent.get(parent) ?? []).map((u) => ({
          Id: u.id,
          Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${u.id}`,
          Name: u.name,
        })),
      )
    }
    case 'ListAccountsForParent': {
      const parent = parentOf(org, input.ParentId)
      return page(
        input,
        'Accounts',
        (org.accountsByParent.get(parent) ?? []).map((a) => accountJson(org, a)),
      )
    }
    case 'ListPolicies': {
      const filter = input.Filter
      if (filter !== 'SERVICE_CONTROL_POLICY' && filter !== 'RESOURCE_CONTROL_POLICY')
        throw new SimError(
          400,
          'InvalidInputException',
          'You provided a value that does not match the required pattern.',
        )
      return page(
        input,
        'Policies',
        org.policies.filter((p) => p.type === filter).map((p) => summary(org, p.id)),
      )
    }
    case 'DescribePolicy': {
      const policy = org.policyById.get(String(input.PolicyId))
      if (!policy)
        throw new SimError(
          400,
          'PolicyNotFoundException',
          'We can’t find a policy with the PolicyId that you specified.',
        )
      return { Policy: { PolicySummary: summary(org, policy.id), Content: policy.content } }
    }
    case 'ListTargetsForPolicy': {
      const policy = org.policyById.get(String(input.PolicyId))
      if (!policy)
        throw new SimError(
          400,
          'PolicyNotFoundException',
          'We can’t find a policy with the PolicyId that you specified.',
        )
      return page(
        input,
        'Targets',
        policy.targets.map((id) => {
          const account = org.accountById.get(id)
          const type = account ? 'ACCOUNT' : id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT'
          const name = account?.name ?? org.units.find((u) => u.id === id)?.name ?? 'Root'
          return {
            TargetId: id,
            Arn: `arn:aws:organizations::${org.managementAccountId}:${type.toLowerCase()}/${org.id}/${id}`,
            Name: name,
            Type: type,
          }
        }),
      )
    }
    case 'ListDelegatedAdministrators': {
      const security = org.accounts[1]
      return page(
        input,
        'DelegatedAdministrators',
        security ? [{ ...accountJson(org, security), DelegationEnabledDate: 1_600_000_000 }] : [],
      )
    }
    case 'ListDelegatedServicesForAccount':
      return page(input, 'DelegatedServices', [
        { ServicePrincipal: 'config.amazonaws.com', DelegationEnabledDate: 1_600_000_000 },
        { ServicePrincipal: 'access-analyzer.amazonaws.com', DelegationEnabledDate: 1_600_000_000 },
      ])
    case 'ListTagsForResource': {
      const account = org.accountById.get(String(input.ResourceId))
      if (!account)
        throw new SimError(
          400,
          'TargetNotFoundException',
          'We can’t find a root, OU, account, or policy with the TargetId that you specified.',
        )
      return page(input, 'Tags', [
        { Key: 'owner', Value: `team-${account.index % 17}@example.com` },
        { Key: 'cost-centre', Value: `cc-${1000 + (account.index % 40)}` },
        { Key: 'environment', Value: account.index % 3 === 0 ? 'prod' : 'nonprod' },
      ])
    }
    default:
      throw new SimError(400, 'InvalidAction', `${req.operation} is not simulated`)
  }
}

function parentOf(org: SimOrganization, id: unknown): string {
  const parent = String(id ?? '')
  if (parent !== org.rootId && !org.unitsByParent.has(parent) && !org.units.some((u) => u.id === parent))
    throw new SimError(
      400,
      'ParentNotFoundException',
      'We can’t find a root or OU with the ParentId that you specified.',
    )
  return parent
}

function accountJson(org: SimOrganization, a: SimAccount) {
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.state,
    State: a.state,
    JoinedMethod: a.index === 0 ? 'INVITED' : 'CREATED',
    JoinedTimestamp: a.joinedAt / 1000,
  }
}

function summary(org: SimOrganization, id: string) {
  const p = org.policyById.get(id)!
  return {
    Id: p.id,
    Arn: p.awsManaged
      ? `arn:aws:organizations::aws:policy/${p.type.toLowerCase()}/${p.id}`
      : `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${p.type.toLowerCase()}/${p.id}`,
    Name: p.name,
    Description: p.description,
    Type: p.type,
    AwsManaged: p.awsManaged,
  }
}

function page(input: Record<string, unknown>, name: string, items: unknown[]) {
  const max = input.MaxResults === undefined ? PAGE_MAX : Number(input.MaxResults)
  if (!Number.isInteger(max) || max < 1 || max > PAGE_MAX)
    throw new SimError(400, 'InvalidInputException', 'MaxResults must be between 1 and 20.')
  const from = offsetOf(input.NextToken)
  const more = from + max < items.length
  return { [name]: items.slice(from, from + max), ...(more ? { NextToken: token(from + max) } : {}) }
}
