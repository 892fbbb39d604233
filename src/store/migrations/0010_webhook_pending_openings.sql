-- A jira/servicenow delivery of a finding's later event (resolved, reopened, suppressed) waits while
-- the same subscription's finding.opened delivery of that finding is still pending or retrying
-- (src/webhooks/ticketing.ts). This small partial index holds only those unsettled openings.
CREATE INDEX IF NOT EXISTS webhook_deliveries_unsettled_opening_idx
  ON webhook_deliveries (webhook_id, ((payload -> 'data' -> 'finding' ->> 'id')))
  WHERE event_type = 'finding.opened' AND status IN ('pending', 'retrying');
