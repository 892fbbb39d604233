import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** Kysely's view of the tables in `migrations/`. Keep the two in step. */

type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>
type Json<T> = ColumnType<T, string, string>
/** A timestamp the database fills in by default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'
export type AccountOutcome = 'pending' | 'running' | 'collected' | 'unreachable' | 'failed' | 'cancelled'

export interface SweepsTable {
  id: string
  status: SweepStatus
  source_kind: 'snapshot' | 'aws'
  source_name: string
  scope: Json<unknown>
  requested_by: string
  idempotency_key: string | null
  cancel_requested: Generated<boolean>
  organization_id: string | null
  total: Generated<number>
  collected: Generated<number>
  unreachable: Generated<number>
  failed: Generated<number>
  cancelled: Generated<number>
  findings_count: Generated<number>
  /** The settings the sweep runs with (see SettingsTable). */
  settings: ColumnType<unknown, string | undefined, string>
  error: string | null
  created_at: DefaultTimestamp
  started_at: NullableTimestamp
  org_read_at: NullableTimestamp
  finished_at: NullableTimestamp
  /** The schedule that started the sweep, if one did. */
  schedule_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SchedulesTable {
  id: string
  name: string
  cron: string
  timezone: string
  scope: Json<unknown>
  source_kind: 'snapshot' | 'aws'
  source_name: string
  enabled: boolean
  idempotency_key: string | null
  created_by: string
  updated_by: string
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
  runs_started: Generated<number>
  runs_skipped: Generated<number>
  runs_failed: Generated<number>
  last_fired_at: NullableTimestamp
  last_skipped_at: NullableTimestamp
}

export type ScheduleRunOutcome = 'started' | 'skipped' | 'failed'

export interface ScheduleRunsTable {
  schedule_id: string
  fired_at: Timestamp
  outcome: ScheduleRunOutcome
  sweep_id: string | null
  reason: string | null
  recorded_at: DefaultTimestamp
}

export interface OrgSnapshotsTable {
  sweep_id: string
  organization_id: string
  snapshot: Json<unknown>
  created_at: DefaultTimestamp
}

export interface SweepAccountsTable {
  sweep_id: string
  account_id: string
  account_name: string
  ou_path: string
  status: AccountOutcome
  attempts: Generated<number>
  reason: string | null
  stats: Json<unknown> | null
  started_at: NullableTimestamp
  finished_at: NullableTimestamp
}

export interface AccountSnapshotsTable {
  sweep_id: string
  account_id: string
  /** JSON text (migration 0015): read back whole, parsed by the reader. */
  state: string
  /** The raw responses as JSON text, for the snapshot export. */
  raw: ColumnType<string | null, string | null | undefined, string | null>
  collected_at: DefaultTimestamp
}

export interface FindingsTable {
  id: string
  fingerprint: string
  rule_id: string
  account_id: string
  resource_arn: string
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info'
  status: 'open' | 'resolved' | 'suppressed'
  title: string
  evidence: Json<unknown>
  first_seen_sweep: string
  last_seen_sweep: string
  first_seen_at: Timestamp
  last_seen_at: Timestamp
  resolved_at: NullableTimestamp
  suppressed_reason: string | null
  suppressed_until: NullableTimestamp
  suppressed_by: string | null
  suppressed_at: NullableTimestamp
  account_name: Generated<string>
  ou_path: Generated<string>
}

export type FindingEventKind = 'opened' | 'resolved' | 'reopened' | 'suppressed' | 'unsuppressed'

export interface FindingEventsTable {
  id: string
  finding_id: string
  sweep_id: string | null
  kind: FindingEventKind
  created_at: DefaultTimestamp
}

export interface GuardrailResultsTable {
  sweep_id: string
  account_id: string
  guardrail_id: string
  verdict: 'enforced' | 'not-enforced' | 'exempted' | 'not-applicable'
  evidence: Json<unknown>
}

export interface ApiTokensTable {
  id: string
  name: string
  token_hash: string
  scope: 'read' | 'write'
  created_at: DefaultTimestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface SettingsTable {
  id: number
  value: Json<unknown>
  updated_at: DefaultTimestamp
  updated_by: string
}

export type WebhookFormat = 'generic' | 'jira' | 'servicenow' | 'slack'
export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'dead'

export interface WebhooksTable {
  id: string
  name: string
  url: string
  format: WebhookFormat
  events: Json<string[]>
  filter: Json<unknown>
  options: Json<unknown>
  digest: boolean
  enabled: boolean
  max_concurrency: number
  secret: string
  headers: Json<Record<string, string>>
  created_by: string
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface WebhookDeliveriesTable {
  id: string
  webhook_id: string
  event_key: string
  event_type: string
  sweep_id: string | null
  payload: Json<unknown>
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>
  attempts: Generated<number>
  response_code: number | null
  latency_ms: number | null
  last_error: string | null
  next_attempt_at: NullableTimestamp
  created_at: DefaultTimestamp
  delivered_at: NullableTimestamp
  updated_at: DefaultTimestamp
  ticket_key: ColumnType<string | null, string | null | undefined, string | null>
  ticket_action: ColumnType<TicketAction | null, TicketAction | null | undefined, TicketAction | null>
}

/** What a jira/servicenow delivery did: see src/webhooks/ticketing.ts. */
export type TicketAction =
  | 'creating'
  | 'created'
  | 'existing'
  | 'commented'
  | 'transitioned'
  | 'updated'
  | 'untracked'

export interface WebhookTicketsTable {
  webhook_id: string
  finding_id: string
  fingerprint: string
  ticket_key: string
  ticket_id: string
  delivery_id: string | null
  created_at: DefaultTimestamp
}

export interface AccountTagsTable {
  account_id: string
  tags: Json<Record<string, string>>
  read_at: Timestamp
}

export interface Database {
  settings: SettingsTable
  sweeps: SweepsTable
  schedules: SchedulesTable
  schedule_runs: ScheduleRunsTable
  org_snapshots: OrgSnapshotsTable
  sweep_accounts: SweepAccountsTable
  account_snapshots: AccountSnapshotsTable
  findings: FindingsTable
  finding_events: FindingEventsTable
  guardrail_results: GuardrailResultsTable
  api_tokens: ApiTokensTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_tickets: WebhookTicketsTable
  account_tags: AccountTagsTable
}

export type SweepRow = Selectable<SweepsTable>
export type ScheduleRow = Selectable<SchedulesTable>
export type ScheduleRunRow = Selectable<ScheduleRunsTable>
export type NewSweep = Insertable<SweepsTable>
export type SweepAccountRow = Selectable<SweepAccountsTable>
export type ApiTokenRow = Selectable<ApiTokensTable>
export type FindingRow = Selectable<FindingsTable>
export type WebhookRow = Selectable<WebhooksTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>
export type WebhookTicketRow = Selectable<WebhookTicketsTable>
