-- Findings carry where their account sits (OU filters without a join) and who suppressed them;
-- every lifecycle transition is an event with a stable id, so notifications are sent once.

ALTER TABLE findings ADD COLUMN account_name text NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN ou_path text NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN suppressed_by text;
ALTER TABLE findings ADD COLUMN suppressed_at timestamptz;
CREATE INDEX findings_ou_path_idx ON findings (ou_path text_pattern_ops);

CREATE TABLE finding_events (
  id          uuid PRIMARY KEY,
  finding_id  uuid NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  sweep_id    uuid,
  kind        text NOT NULL CHECK (kind IN ('opened', 'resolved', 'reopened', 'suppressed', 'unsuppressed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- A retried account job must not record the same transition twice.
  UNIQUE (finding_id, sweep_id, kind)
);
CREATE INDEX finding_events_sweep_idx ON finding_events (sweep_id, kind);
