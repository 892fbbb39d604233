import type { WebhookFormat } from '../store/schema.js'
import type { FindingData, WebhookEvent } from './events.js'

export interface JiraOptions {
  projectKey: string
  issueType?: string
  /** When set, finding.resolved carries this transition (e.g. to Done) with its comment. */
  resolveTransitionId?: string
  labels?: string[]
}

export interface ServiceNowOptions {
  assignmentGroup?: string
  callerId?: string
  /** The incident state a resolved finding sets; ServiceNow's "Resolved" is 6. */
  resolvedState?: string
  closeCode?: string
}

export type FormatOptions = JiraOptions | ServiceNowOptions | Record<string, never>

export interface Rendered {
  body: unknown
  /** Extra headers telling a relay which finding the body is about (Jira comment/transition). */
  headers: Record<string, string>
}

/** The fingerprint label Jira issues carry, so a resolution can find its issue by JQL. */
export const fingerprintLabel = (fingerprint: string) => `orgwarden-${fingerprint}`

const findingOf = (event: WebhookEvent) => event.data.finding as FindingData | undefined

/** Turns our event into the body the subscription's format expects. */
export function render(format: WebhookFormat, options: unknown, event: WebhookEvent): Rendered {
  switch (format) {
    case 'generic':
      return { body: event, headers: {} }
    case 'slack':
      return { body: slack(event), headers: {} }
    case 'jira':
      return jira(options as JiraOptions, event)
    case 'servicenow':
      return serviceNow(options as ServiceNowOptions, event)
  }
}

function describe(f: FindingData): string {
  return [
    f.title,
    '',
    `Rule: ${f.ruleId}`,
    `Severity: ${f.severity}`,
    `Account: ${f.accountName} (${f.accountId})`,
    `Organization path: ${f.ouPath}`,
    `Resource: ${f.resourceArn}`,
    `Fingerprint: ${f.fingerprint}`,
  ].join('\n')
}

/** Atlassian Document Format: one paragraph per line, as Jira Cloud's REST API v3 requires. */
function adf(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })),
  }
}

const JIRA_PRIORITY: Record<string, string> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
}

/**
 * finding.opened / reopened: a create-issue body (POST /rest/api/3/issue). finding.resolved:
 * a transition body (POST /rest/api/3/issue/{key}/transitions) with a comment, the transition
 * only when configured; finding.suppressed: the comment alone. Delivery (ticketing.ts) sends
 * the create body, and comments and transitions on the remembered issue as separate requests.
 */
function jira(options: JiraOptions, event: WebhookEvent): Rendered {
  const f = findingOf(event)
  if (!f) throw new Error(`jira webhooks carry finding events, not ${event.type}`)
  const label = fingerprintLabel(f.fingerprint)
  const headers = { 'x-orgwarden-fingerprint': f.fingerprint, 'x-orgwarden-event': event.type }
  if (event.type === 'finding.opened' || event.type === 'finding.reopened') {
    return {
      headers,
      body: {
        fields: {
          project: { key: options.projectKey },
          issuetype: { name: options.issueType ?? 'Task' },
          summary: `[${f.severity}] ${f.title}`.slice(0, 255),
          description: adf(describe(f)),
          labels: ['orgwarden', label, ...(options.labels ?? [])],
          priority: { name: JIRA_PRIORITY[f.severity] ?? 'Medium' },
        },
      },
    }
  }
  const comment = { update: { comment: [{ add: jiraComment(event) }] } }
  const transition =
    event.type === 'finding.resolved' && options.resolveTransitionId
      ? { transition: { id: options.resolveTransitionId } }
      : {}
  return { headers, body: { ...transition, ...comment } }
}

/** What a finding event says on its existing ticket. */
export function ticketNote(event: WebhookEvent): string {
  const sweep = String(event.data.sweepId)
  switch (event.type) {
    case 'finding.resolved':
      return `Orgwarden: resolved. The finding was no longer produced by sweep ${sweep}.`
    case 'finding.reopened':
      return `Orgwarden: reopened. The finding was produced again by sweep ${sweep}.`
    case 'finding.opened':
      return `Orgwarden: opened again by sweep ${sweep}.`
    default:
      return `Orgwarden: suppressed. Reason: ${String(event.data.reason ?? '')}`
  }
}

/** A comment body (POST /rest/api/3/issue/{key}/comment). */
export const jiraComment = (event: WebhookEvent) => ({ body: adf(ticketNote(event)) })

const SNOW_IMPACT: Record<string, string> = { critical: '1', high: '1', medium: '2', low: '3', info: '3' }
const SNOW_URGENCY: Record<string, string> = { critical: '1', high: '2', medium: '2', low: '3', info: '3' }

/**
 * A Table API incident record (POST /api/now/table/incident). correlation_id is the
 * fingerprint, so ServiceNow (or its import set) de-duplicates; resolved sets the state.
 */
function serviceNow(options: ServiceNowOptions, event: WebhookEvent): Rendered {
  const f = findingOf(event)
  if (!f) throw new Error(`servicenow webhooks carry finding events, not ${event.type}`)
  const base = {
    correlation_id: f.fingerprint,
    correlation_display: 'Orgwarden',
    ...(options.assignmentGroup ? { assignment_group: options.assignmentGroup } : {}),
    ...(options.callerId ? { caller_id: options.callerId } : {}),
  }
  if (event.type === 'finding.resolved') {
    return {
      headers: {},
      body: {
        ...base,
        state: options.resolvedState ?? '6',
        close_code: options.closeCode ?? 'Solution provided',
        close_notes: `Resolved: the finding was no longer produced by sweep ${String(event.data.sweepId)}.`,
      },
    }
  }
  if (event.type === 'finding.suppressed') {
    return {
      headers: {},
      body: { ...base, work_notes: `Suppressed in Orgwarden. Reason: ${String(event.data.reason ?? '')}` },
    }
  }
  return {
    headers: {},
    body: {
      ...base,
      short_description: `[${f.severity}] ${f.title}`.slice(0, 160),
      description: describe(f),
      impact: SNOW_IMPACT[f.severity] ?? '2',
      urgency: SNOW_URGENCY[f.severity] ?? '2',
      category: 'security',
    },
  }
}

const SLACK_LIMIT = 20

function slackLine(event: WebhookEvent): string {
  const f = findingOf(event)
  if (f)
    return `*${event.type}* [${f.severity}] ${f.title} (${f.accountName} ${f.accountId}) \`${f.resourceArn}\``
  if (event.type === 'guardrail.changed') {
    const d = event.data
    return `*guardrail.changed* ${String(d.guardrailId)} on ${String(d.accountName)} (${String(d.accountId)}): ${String(d.previousVerdict)} → ${String(d.verdict)}`
  }
  if (event.type === 'ping') return '*ping* from Orgwarden: this webhook works.'
  const s = event.data.sweep as { id: string; status: string; total: number; error: string | null }
  return `*${event.type}* sweep ${s.id}: ${s.total} accounts${s.error ? `, error: ${s.error}` : ''}`
}

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the layout. */
function slack(event: WebhookEvent) {
  const events = event.type === 'digest' ? (event.data.events as WebhookEvent[]) : [event]
  const lines = events.slice(0, SLACK_LIMIT).map(slackLine)
  if (events.length > SLACK_LIMIT) lines.push(`… and ${events.length - SLACK_LIMIT} more`)
  const text =
    event.type === 'digest'
      ? `Orgwarden: ${events.length} events from sweep ${String(event.data.sweepId)}`
      : lines[0]!.replace(/\*/g, '')
  return {
    text,
    blocks: [
      ...(event.type === 'digest' ? [{ type: 'header', text: { type: 'plain_text', text } }] : []),
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
    ],
  }
}
