-- Webhook subscriptions and their deliveries. A delivery is one event (or one sweep's digest)
-- for one subscription: unique per (webhook, event key), so dispatching a sweep twice, a retried
-- finalize or a restarted worker never sends an event a second time.

CREATE TABLE webhooks (
  id              uuid PRIMARY KEY,
  name            text NOT NULL,
  url             text NOT NULL,
  format          text NOT NULL CHECK (format IN ('generic', 'jira', 'servicenow', 'slack')),
  events          jsonb NOT NULL,
  filter          jsonb NOT NULL DEFAULT '{}'::jsonb,
  options         jsonb NOT NULL DEFAULT '{}'::jsonb,
  digest          boolean NOT NULL DEFAULT false,
  enabled         boolean NOT NULL DEFAULT true,
  max_concurrency integer NOT NULL DEFAULT 4 CHECK (max_concurrency BETWEEN 1 AND 64),
  -- Signing secret (whsec_...) and custom headers: used to send, never returned by the API.
  secret          text NOT NULL,
  headers         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by      text NOT NULL,
  -- Milliseconds, as the cursors (JavaScript Dates) carry them: a page never skips a row.
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_created_idx ON webhooks (created_at, id);

CREATE TABLE webhook_deliveries (
  id              uuid PRIMARY KEY,
  webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_key       text NOT NULL,
  event_type      text NOT NULL,
  sweep_id        uuid,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'retrying', 'succeeded', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  response_code   integer,
  latency_ms      integer,
  last_error      text,
  next_attempt_at timestamptz,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (webhook_id, event_key)
);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
