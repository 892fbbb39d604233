-- The ticket a jira or servicenow subscription opened for a finding, so that the finding's later
-- events (resolved, reopened, suppressed) act on that issue or incident instead of opening another,
-- and so that a retried finding.opened never creates a second ticket. One per (subscription,
-- finding). No foreign key to findings: the reference is about the ticketing system's record.
CREATE TABLE IF NOT EXISTS webhook_tickets (
  webhook_id  uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  finding_id  uuid NOT NULL,
  fingerprint text NOT NULL,
  -- Jira: the issue key (SEC-12) and id; ServiceNow: the incident number (INC0010001) and sys_id.
  ticket_key  text NOT NULL,
  ticket_id   text NOT NULL,
  delivery_id uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (webhook_id, finding_id)
);

-- What a ticketing delivery did to which ticket (shown in GET /v1/webhooks/:id/deliveries); the
-- action also records progress, so a retried resolution does not comment twice.
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS ticket_key text;
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS ticket_action text;
