import { createHash } from 'node:crypto'
import { SEVERITY_ORDER, type Severity } from '../store/findings-repo.js'
import type { SweepRow } from '../store/schema.js'
import type { FindingEventRow, GuardrailChangeRow } from '../store/webhooks-repo.js'

/** Every event a subscription can ask for. */
export const EVENT_TYPES = [
  'finding.opened',
  'finding.resolved',
  'finding.reopened',
  'finding.suppressed',
  'guardrail.changed',
  'sweep.completed',
  'sweep.failed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]
export const FINDING_EVENTS: readonly EventType[] = [
  'finding.opened',
  'finding.resolved',
  'finding.reopened',
  'finding.suppressed',
]

export interface FindingData {
  id: string
  fingerprint: string
  ruleId: string
  severity: Severity
  status: string
  title: string
  accountId: string
  accountName: string
  ouPath: string
  resourceArn: string
}

/**
 * What a `generic` subscription receives, in the Standard Webhooks payload shape
 * (`type`, `timestamp`, `data`). `id` is stable: the same event always carries the same id.
 */
export interface WebhookEvent {
  id: string
  type: EventType | 'digest' | 'ping'
  timestamp: string
  data: Record<string, unknown>
}

/** A name-based UUID (version 5 layout over SHA-1) so that derived events keep one id forever. */
export function stableEventId(key: string): string {
  const h = createHash('sha1').update(`orgwarden:${key}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const hex = h.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function findingEvent(row: FindingEventRow): WebhookEvent {
  return {
    id: row.event_id,
    type: `finding.${row.kind}` as EventType,
    timestamp: row.event_at.toISOString(),
    data: {
      sweepId: row.sweep_id,
      finding: {
        id: row.finding_id,
        fingerprint: row.fingerprint,
        ruleId: row.rule_id,
        severity: row.severity,
        status: row.status,
        title: row.title,
        accountId: row.account_id,
        accountName: row.account_name,
        ouPath: row.ou_path,
        resourceArn: row.resource_arn,
      } satisfies FindingData,
      ...(row.kind === 'suppressed' ? { reason: row.suppressed_reason } : {}),
    },
  }
}

export const guardrailEventKey = (sweepId: string, g: GuardrailChangeRow) =>
  `guardrail:${sweepId}:${g.account_id}:${g.guardrail_id}`

export function guardrailEvent(sweepId: string, at: Date, g: GuardrailChangeRow): WebhookEvent {
  return {
    id: stableEventId(guardrailEventKey(sweepId, g)),
    type: 'guardrail.changed',
    timestamp: at.toISOString(),
    data: {
      sweepId,
      previousSweepId: g.previous_sweep_id,
      accountId: g.account_id,
      accountName: g.account_name,
      ouPath: g.ou_path,
      guardrailId: g.guardrail_id,
      verdict: g.verdict,
      previousVerdict: g.previous,
    },
  }
}

export const sweepEventKey = (sweep: SweepRow) => `sweep.${sweep.status}:${sweep.id}`

export function sweepEvent(sweep: SweepRow, counts: Record<string, number>): WebhookEvent {
  return {
    id: stableEventId(sweepEventKey(sweep)),
    type: sweep.status === 'completed' ? 'sweep.completed' : 'sweep.failed',
    timestamp: (sweep.finished_at ?? new Date()).toISOString(),
    data: {
      sweep: {
        id: sweep.id,
        status: sweep.status,
        error: sweep.error,
        total: sweep.total,
        collected: sweep.collected,
        unreachable: sweep.unreachable,
        failed: sweep.failed,
        findings: sweep.findings_count,
        startedAt: sweep.started_at?.toISOString() ?? null,
        finishedAt: sweep.finished_at?.toISOString() ?? null,
      },
      changes: counts,
    },
  }
}

export function digestEvent(sweepId: string, at: Date, events: WebhookEvent[]): WebhookEvent {
  return {
    id: stableEventId(`digest:${sweepId}`),
    type: 'digest',
    timestamp: at.toISOString(),
    data: { sweepId, events },
  }
}

export interface WebhookFilter {
  minSeverity?: Severity
  ruleIds?: string[]
  ouIds?: string[]
  accountIds?: string[]
}

/**
 * Finding events pass every part of the filter; guardrail changes only the account and OU
 * parts (they have no severity or rule); sweep events always pass.
 */
export function matches(filter: WebhookFilter, event: WebhookEvent): boolean {
  const data = event.data
  const finding = data.finding as FindingData | undefined
  const where = finding ?? (event.type === 'guardrail.changed' ? (data as unknown as FindingData) : undefined)
  if (!where) return true
  if (finding) {
    if (
      filter.minSeverity &&
      SEVERITY_ORDER.indexOf(finding.severity) < SEVERITY_ORDER.indexOf(filter.minSeverity)
    )
      return false
    if (filter.ruleIds?.length && !filter.ruleIds.includes(finding.ruleId)) return false
  }
  if (filter.accountIds?.length && !filter.accountIds.includes(where.accountId)) return false
  if (filter.ouIds?.length && !filter.ouIds.some((ou) => where.ouPath.includes(`/${ou}/`))) return false
  return true
}
