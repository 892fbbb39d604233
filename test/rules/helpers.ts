/**
 * Realistic states for rule tests: the demo organization's accounts, normalized from their raw
 * AWS responses (examples/demo-org.json), then changed where a test needs a different fact. Tests
 * change the raw responses (and normalize again) when the fact is about collection, and the
 * normalized state when it is about IAM content.
 */
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import type { AccountState, JsonObject } from '../../src/org/account-state.js'
import { normalizeAccount, type RawAccountData } from '../../src/org/normalize.js'
import { isUnreachableEntry, type SnapshotFile } from '../../src/org/snapshot-file.js'
import { buildOrgTree, type OrgTree } from '../../src/org/tree.js'
import type { OrgSnapshot } from '../../src/org/types.js'
import { type IamCatalog, loadIamCatalog } from '../../src/policy/index.js'
import {
  type Finding,
  type Rule,
  type RuleContext,
  type RuleOutcome,
  resolveParameters,
} from '../../src/rules/index.js'
import { readSnapshotFileSync } from '../../src/sources/snapshot-source.js'

export const DEMO: SnapshotFile = readSnapshotFileSync(
  fileURLToPath(new URL('../../examples/demo-org.json', import.meta.url)),
)
export const CAPTURED = new Date(DEMO.capturedAt)

export const ID = {
  management: '210987654321',
  logArchive: '304518762931',
  audit: '304518762942',
  prod: '415629873054',
  /** The clean account: no finding at all (examples/README.md, "The clean account"). */
  ledgerProd: '415629873087',
  dev: '415629873065',
  sandbox: '415629873076',
  network: '526730984187',
  suspended: '637841095298',
} as const

export const ALLOWED_REGIONS = ['eu-west-1', 'eu-central-1']

let catalog: Promise<IamCatalog> | undefined
export function iamCatalog(): Promise<IamCatalog> {
  catalog ??= loadIamCatalog()
  return catalog
}

/** The raw AWS responses of a demo account, as a copy a test may change. */
export function demoRaw(accountId: string): RawAccountData {
  const entry = DEMO.accounts[accountId]
  assert.ok(entry && !isUnreachableEntry(entry), `demo account ${accountId} has data`)
  return structuredClone(entry)
}

export function normalize(accountId: string, raw: RawAccountData): AccountState {
  return normalizeAccount(accountId, raw, { collectedAt: DEMO.capturedAt })
}

/** A demo account's normalized state, as a copy a test may change. */
export function demoState(accountId: string): AccountState {
  return normalize(accountId, demoRaw(accountId))
}

export function demoOrg(): OrgSnapshot {
  return structuredClone(DEMO.organization)
}

const demoTree = buildOrgTree(DEMO.organization)

export async function demoContext(
  accountId: string,
  overrides: Partial<RuleContext> = {},
): Promise<RuleContext> {
  const tree: OrgTree = overrides.orgTree ?? demoTree
  return {
    accountId,
    now: CAPTURED,
    orgTree: tree,
    organizationAccountIds: new Set(tree.snapshot.accounts.map((a) => a.id)),
    orgId: tree.snapshot.organization.id,
    managementAccountId: tree.snapshot.organization.managementAccountId,
    iamCatalog: await iamCatalog(),
    allowedRegions: ALLOWED_REGIONS,
    ...overrides,
  }
}

/** Runs one rule with its defaults overlaid by `params`. */
export function run(
  rule: Rule,
  state: AccountState,
  ctx: RuleContext,
  params: Record<string, unknown> = {},
): RuleOutcome {
  return rule.evaluate(state, ctx, resolveParameters(rule, params))
}

/** The findings of an outcome that must not be unknown. */
export function findingsOf(outcome: RuleOutcome): Finding[] {
  assert.ok(!('unknown' in outcome), `expected findings, got unknown: ${JSON.stringify(outcome)}`)
  return outcome.findings
}

export function resourcesOf(outcome: RuleOutcome): string[] {
  return findingsOf(outcome)
    .map((f) => f.resourceArn)
    .sort()
}

export function assertUnknown(outcome: RuleOutcome, pattern: RegExp): void {
  assert.ok('unknown' in outcome, `expected unknown, got ${JSON.stringify(outcome)}`)
  assert.match(outcome.unknown.reason, pattern)
}

export function role(state: AccountState, name: string) {
  const found = state.roles.find((r) => r.name === name)
  assert.ok(found, `role ${name}`)
  return found
}

export function user(state: AccountState, name: string) {
  const found = state.users.find((u) => u.name === name)
  assert.ok(found, `user ${name}`)
  return found
}

export function reportRow(state: AccountState, name: string) {
  const found = state.credentialReport.find((r) => r.user === name)
  assert.ok(found, `credential report row ${name}`)
  return found
}

export function group(state: AccountState, name: string) {
  const found = state.groups.find((g) => g.name === name)
  assert.ok(found, `group ${name}`)
  return found
}

export function managedPolicy(state: AccountState, name: string) {
  const found = state.managedPolicies.find((p) => p.name === name)
  assert.ok(found, `managed policy ${name}`)
  return found
}

export function doc(...statements: JsonObject[]): JsonObject {
  return { Version: '2012-10-17', Statement: statements }
}

export function daysBefore(days: number, from: Date = CAPTURED): string {
  return new Date(from.getTime() - days * 86_400_000).toISOString()
}

/** Adds a customer-managed policy to the state and attaches it to `holders` (entities). */
export function addCustomerPolicy(
  state: AccountState,
  name: string,
  document: JsonObject,
  holders: Array<{ attachedPolicyArns: string[] }> = [],
): string {
  const arn = `arn:aws:iam::${state.accountId}:policy/${name}`
  state.managedPolicies.push({
    arn,
    name,
    id: `ANPA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(17, 'X')
      .slice(0, 17)}`,
    path: '/',
    awsManaged: false,
    attachmentCount: holders.length,
    permissionsBoundaryUsageCount: 0,
    isAttachable: true,
    defaultVersionId: 'v1',
    document,
    createDate: '2026-01-10T09:00:00.000Z',
    updateDate: '2026-01-10T09:00:00.000Z',
  })
  for (const holder of holders) holder.attachedPolicyArns.push(arn)
  return arn
}
