import { Type } from 'typebox'
import { SEVERITY_ORDER } from '../../../store/findings-repo.js'
import { EVENT_TYPES } from '../../../webhooks/events.js'
import { AccountId, OuOrRootId, PageQuery } from '../../schemas/common.js'

const EventType = Type.Unsafe<string>({ type: 'string', enum: [...EVENT_TYPES] })
const Format = Type.Unsafe<'generic' | 'jira' | 'servicenow' | 'slack'>({
  type: 'string',
  enum: ['generic', 'jira', 'servicenow', 'slack'],
  description:
    'generic: our JSON event (WebhookEvent). jira: create-issue bodies, comment/transition on resolve. ' +
    'servicenow: incident records with correlation_id = fingerprint. slack: an incoming-webhook message.',
})

export const Filter = Type.Object(
  {
    minSeverity: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...SEVERITY_ORDER] })),
    ruleIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
    ouIds: Type.Optional(
      Type.Array(OuOrRootId, { maxItems: 100, description: 'These OUs and every OU below them.' }),
    ),
    accountIds: Type.Optional(Type.Array(AccountId, { maxItems: 1000 })),
  },
  {
    additionalProperties: false,
    description:
      'Finding events must pass every part; guardrail.changed only accountIds and ouIds; sweep events always pass.',
  },
)

export const JiraOptions = Type.Object(
  {
    projectKey: Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,9}$', description: 'Jira project key.' }),
    issueType: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'Task' })),
    resolveTransitionId: Type.Optional(
      Type.String({ pattern: '^\\d{1,10}$', description: 'Transition applied when the finding resolves.' }),
    ),
    labels: Type.Optional(Type.Array(Type.String({ pattern: '^\\S{1,255}$' }), { maxItems: 20 })),
  },
  { additionalProperties: false },
)

export const ServiceNowOptions = Type.Object(
  {
    assignmentGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    callerId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    resolvedState: Type.Optional(
      Type.String({ pattern: '^\\d{1,3}$', description: 'Default 6 (Resolved).' }),
    ),
    closeCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)

const Headers = Type.Unsafe<Record<string, string>>({
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$" },
  additionalProperties: { type: 'string', maxLength: 4096, pattern: '^[^\\r\\n]*$' },
  description: 'Sent with every request (e.g. Authorization for Jira or ServiceNow); never returned.',
})

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({
    minLength: 1,
    maxLength: 2000,
    description:
      'http(s) URL receiving the POSTs. jira and servicenow: the instance base URL ' +
      '(https://acme.atlassian.net, https://acme.service-now.com); Orgwarden calls its REST API below it.',
  }),
  format: Format,
  events: Type.Array(EventType, { minItems: 1, uniqueItems: true }),
  filter: Filter,
  jira: JiraOptions,
  servicenow: ServiceNowOptions,
  digest: Type.Boolean({
    description: "One delivery per sweep carrying all of the sweep's matching events (generic and slack).",
  }),
  enabled: Type.Boolean(),
  maxConcurrency: Type.Integer({
    minimum: 1,
    maximum: 64,
    description: 'Requests in flight to this receiver at most, across all workers.',
  }),
  headers: Headers,
}

export const CreateBody = Type.Object(
  {
    name: fields.name,
    url: fields.url,
    format: Type.Optional({ ...fields.format, default: 'generic' }),
    events: fields.events,
    filter: Type.Optional(fields.filter),
    jira: Type.Optional(fields.jira),
    servicenow: Type.Optional(fields.servicenow),
    digest: Type.Optional({ ...fields.digest, default: false }),
    enabled: Type.Optional({ ...fields.enabled, default: true }),
    maxConcurrency: Type.Optional({ ...fields.maxConcurrency, default: 4 }),
    headers: Type.Optional(fields.headers),
  },
  { additionalProperties: false },
)

/** Every field optional: what is given replaces, the rest stays. `headers` replaces all headers. */
export const UpdateBody = Type.Object(
  {
    name: Type.Optional(fields.name),
    url: Type.Optional(fields.url),
    format: Type.Optional(fields.format),
    events: Type.Optional(fields.events),
    filter: Type.Optional(fields.filter),
    jira: Type.Optional(fields.jira),
    servicenow: Type.Optional(fields.servicenow),
    digest: Type.Optional(fields.digest),
    enabled: Type.Optional(fields.enabled),
    maxConcurrency: Type.Optional(fields.maxConcurrency),
    headers: Type.Optional(fields.headers),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const Webhook = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    url: Type.String({ description: 'For slack, only the origin: the URL is the credential.' }),
    format: Format,
    events: Type.Array(Type.String()),
    filter: Filter,
    jira: Type.Optional(JiraOptions),
    servicenow: Type.Optional(ServiceNowOptions),
    digest: Type.Boolean(),
    enabled: Type.Boolean(),
    maxConcurrency: Type.Integer(),
    headerNames: Type.Array(Type.String(), {
      description: 'Names of the custom headers; values never shown.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Webhook' },
)

export const CreatedWebhook = Type.Intersect([
  Type.Ref('Webhook'),
  Type.Object({
    secret: Type.String({
      description:
        'The signing secret (whsec_...): shown once, here. Verify with any Standard Webhooks library.',
    }),
  }),
])

export const WebhookEvent = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Stable: the same event always has the same id.' }),
    type: Type.Unsafe<string>({ type: 'string', enum: [...EVENT_TYPES, 'digest', 'ping'] }),
    timestamp: Type.String({ format: 'date-time' }),
    data: Type.Object(
      {
        sweepId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        finding: Type.Optional(
          Type.Object({
            id: Type.String(),
            fingerprint: Type.String(),
            ruleId: Type.String(),
            severity: Type.String(),
            status: Type.String(),
            title: Type.String(),
            accountId: Type.String(),
            accountName: Type.String(),
            ouPath: Type.String(),
            resourceArn: Type.String(),
          }),
        ),
        reason: Type.Optional(
          Type.Union([Type.String(), Type.Null()], { description: 'finding.suppressed' }),
        ),
        guardrailId: Type.Optional(Type.String({ description: 'guardrail.changed' })),
        verdict: Type.Optional(Type.String()),
        previousVerdict: Type.Optional(Type.String()),
        accountId: Type.Optional(Type.String()),
        sweep: Type.Optional(
          Type.Object({}, { additionalProperties: true, description: 'sweep.completed / sweep.failed' }),
        ),
        events: Type.Optional(
          Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'digest: the events' }),
        ),
      },
      { additionalProperties: true },
    ),
  },
  {
    $id: 'WebhookEvent',
    description:
      'The body a generic webhook receives (Standard Webhooks payload shape), signed with the ' +
      'webhook-id, webhook-timestamp and webhook-signature headers.',
  },
)

export const Delivery = Type.Object(
  {
    id: Type.String({
      format: 'uuid',
      description: 'Also the webhook-id header, the same on every attempt.',
    }),
    webhookId: Type.String({ format: 'uuid' }),
    eventId: Type.String(),
    eventType: Type.String(),
    sweepId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Unsafe<string>({ type: 'string', enum: ['pending', 'retrying', 'succeeded', 'dead'] }),
    attempts: Type.Integer(),
    responseCode: Type.Union([Type.Integer(), Type.Null()]),
    latencyMs: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    ticket: Type.Union(
      [
        Type.Object({
          key: Type.Union([Type.String(), Type.Null()], {
            description: 'The Jira issue key (SEC-12) or ServiceNow incident number (INC0010001).',
          }),
          action: Type.Unsafe<string>({
            type: 'string',
            enum: ['creating', 'created', 'existing', 'commented', 'transitioned', 'updated', 'untracked'],
            description:
              'creating: a create was sent, its answer not recorded yet. created: a ticket was created. ' +
              'existing: the finding already had a ticket (remembered, or found by fingerprint); none created. ' +
              'commented / transitioned (Jira), updated (ServiceNow): that ticket was changed. ' +
              'untracked: no ticket is known or found by fingerprint; nothing changed.',
          }),
        }),
        Type.Null(),
      ],
      { description: 'jira and servicenow deliveries: the ticket the delivery acted on.' },
    ),
    event: Type.Ref('WebhookEvent'),
  },
  { $id: 'WebhookDelivery' },
)

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
export const DeliveryParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), deliveryId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
)
export const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })
export const DeliveriesQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(
      Type.Unsafe<'pending' | 'retrying' | 'succeeded' | 'dead'>({
        type: 'string',
        enum: ['pending', 'retrying', 'succeeded', 'dead'],
      }),
    ),
  },
  { additionalProperties: false },
)
