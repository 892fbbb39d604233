/**
 * A realistic evaluation workload: principals of member accounts with a few identity policies
 * each (conditions, variables, NotAction), half of them with a permissions boundary, under
 * three-level SCP chains (FullAWSAccess plus deny-lists with conditions), asked a mix of actions
 * in several regions. Deterministic: a seeded generator picks everything.
 */

import {
  buildRequest,
  type ChainLevel,
  type EvaluationRequest,
  evaluate,
  type PolicyInput,
  type PolicySet,
} from '../../src/policy/index.js'

export function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 0x100000000
  }
}

import { boundaryPool, full, identityPool, scpPool } from './policy-eval-documents.js'

const ACTIONS: [string, (acct: string, region: string, name: string) => string][] = [
  ['s3:GetObject', (_a, _r, n) => `arn:aws:s3:::home/${n}/report.csv`],
  ['s3:PutObject', (_a, _r, n) => `arn:aws:s3:::home/${n}/upload.bin`],
  ['s3:ListBucket', () => 'arn:aws:s3:::home'],
  ['s3:DeleteBucket', () => 'arn:aws:s3:::prod-data'],
  ['ec2:DescribeInstances', () => '*'],
  ['ec2:RunInstances', (a, r) => `arn:aws:ec2:${r}:${a}:instance/*`],
  ['ec2:StopInstances', (a, r) => `arn:aws:ec2:${r}:${a}:instance/i-0abc`],
  ['lambda:InvokeFunction', (a, r) => `arn:aws:lambda:${r}:${a}:function:app-orders`],
  ['sqs:SendMessage', (a, r) => `arn:aws:sqs:${r}:${a}:app-events`],
  ['dynamodb:GetItem', (a, r) => `arn:aws:dynamodb:${r}:${a}:table/app-users`],
  ['iam:CreateUser', (a) => `arn:aws:iam::${a}:user/new-user`],
  ['iam:CreateAccessKey', (a, _r, n) => `arn:aws:iam::${a}:user/${n}`],
  ['organizations:LeaveOrganization', () => '*'],
  ['cloudtrail:StopLogging', (a, r) => `arn:aws:cloudtrail:${r}:${a}:trail/org-trail`],
  ['kms:Decrypt', (a, r) => `arn:aws:kms:${r}:${a}:key/1234`],
  ['logs:FilterLogEvents', (a, r) => `arn:aws:logs:${r}:${a}:log-group:/app:*`],
]
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2']
const TEAMS = ['blue', 'red', 'green']

export interface EvalCase {
  request: EvaluationRequest
  policies: PolicySet
}

function chainFor(rand: () => number, account: string): ChainLevel[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]
  const ouPolicies: PolicyInput[] = [{ id: 'p-full', name: 'FullAWSAccess', policy: full }]
  const extras = Object.entries(scpPool)
  for (let i = 0; i < 3; i++) {
    const [id, policy] = pick(extras)
    if (!ouPolicies.some((x) => x.id === id)) ouPolicies.push({ id, name: id, policy })
  }
  return [
    {
      targetId: 'r-root',
      name: 'Root',
      policies: [
        { id: 'p-full', name: 'FullAWSAccess', policy: full },
        { id: 'denyLeave', policy: scpPool.denyLeave },
      ],
    },
    { targetId: `ou-${Math.floor(rand() * 20)}`, name: 'Workloads', policies: ouPolicies },
    { targetId: account, policies: [{ id: 'p-full', name: 'FullAWSAccess', policy: full }] },
  ]
}

/** `count` evaluation cases over `principals` principals in `accounts` accounts. */
export function evalWorkload(count: number, principals = 300, accounts = 50, seed = 42): EvalCase[] {
  const rand = seeded(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]
  const chains = Array.from({ length: accounts }, (_, i) => {
    const account = String(100000000000 + i)
    return { account, chain: chainFor(rand, account) }
  })
  const people = Array.from({ length: principals }, (_, i) => {
    const { account, chain } = pick(chains)
    const identity: PolicyInput[] = []
    const n = 2 + Math.floor(rand() * 3)
    for (let k = 0; k < n; k++) {
      const idx = Math.floor(rand() * identityPool.length)
      if (!identity.some((x) => x.id === `id-${idx}`))
        identity.push({ id: `id-${idx}`, policy: identityPool[idx] })
    }
    const policies: PolicySet = { identity, scps: chain, managementAccountId: '999999999999' }
    if (rand() < 0.5) policies.boundary = { id: 'boundary', policy: pick(boundaryPool) }
    const isRole = rand() < 0.6
    const name = isRole ? (rand() < 0.05 ? 'BreakGlass' : `app-role-${i}`) : `user-${i}`
    return { account, name, isRole, team: pick(TEAMS), policies }
  })
  const cases: EvalCase[] = []
  for (let i = 0; i < count; i++) {
    const who = pick(people)
    const region = pick(REGIONS)
    const [action, resource] = pick(ACTIONS)
    const request = buildRequest({
      principal: {
        kind: who.isRole ? 'role' : 'user',
        accountId: who.account,
        name: who.name,
        tags: { team: who.team },
        uniqueId: who.isRole ? 'AROAEXAMPLE' : 'AIDAEXAMPLE',
        orgId: 'o-example',
      },
      action,
      resource: resource(who.account, region, who.name),
      region,
      context: {
        'aws:SourceIp': rand() < 0.8 ? '203.0.113.10' : '198.51.100.7',
        'aws:MultiFactorAuthPresent': rand() < 0.7 ? 'true' : 'false',
        'aws:MultiFactorAuthAge': String(Math.floor(rand() * 7200)),
        'aws:ViaAWSService': 'false',
        'aws:CurrentTime': '2026-06-01T12:00:00Z',
        'aws:ResourceTag/team': pick(TEAMS),
        'aws:TagKeys': rand() < 0.5 ? ['team', 'env'] : ['team', 'owner'],
      },
    })
    cases.push({ request, policies: who.policies })
  }
  return cases
}

/**
 * Evaluations per second on one core over the realistic mix, after a first pass that compiles
 * every policy. The sweep benchmark runs it briefly as a check of the machine's speed.
 */
export function measureEvaluations(forSeconds: number): {
  perSecond: number
  microseconds: number
  decisions: Record<string, number>
  firstPassMs: number
} {
  const cases = evalWorkload(20_000)
  // First pass: every policy compiles and every request is prepared here.
  const t0 = performance.now()
  for (const c of cases) evaluate(c.request, c.policies)
  const firstPassMs = performance.now() - t0
  const decisions: Record<string, number> = {}
  let n = 0
  const start = performance.now()
  const deadline = start + forSeconds * 1000
  while (performance.now() < deadline) {
    for (let i = 0; i < 5_000; i++) {
      const c = cases[n % cases.length]
      const d = evaluate(c.request, c.policies).decision
      decisions[d] = (decisions[d] ?? 0) + 1
      n++
    }
  }
  const seconds = (performance.now() - start) / 1000
  return { perSecond: n / seconds, microseconds: (seconds * 1e6) / n, decisions, firstPassMs }
}
