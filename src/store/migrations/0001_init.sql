-- Orgwarden's first schema. Each sweep keeps its own org snapshot, per-account state and results,
-- so a finished sweep is an immutable record; findings carry their lifecycle across sweeps.

CREATE TABLE sweeps (
  id              uuid PRIMARY KEY,
  status          text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  source_kind     text NOT NULL CHECK (source_kind IN ('snapshot', 'aws')),
  source_name     text NOT NULL,
  scope           jsonb NOT NULL,
  requested_by    text NOT NULL,
  idempotency_key text UNIQUE,
  cancel_requested boolean NOT NULL DEFAULT false,
  organization_id text,
  total           integer NOT NULL DEFAULT 0,
  collected       integer NOT NULL DEFAULT 0,
  unreachable     integer NOT NULL DEFAULT 0,
  failed          integer NOT NULL DEFAULT 0,
  cancelled       integer NOT NULL DEFAULT 0,
  findings_count  integer NOT NULL DEFAULT 0,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  org_read_at     timestamptz,
  finished_at     timestamptz
);
-- Newest-first listing with a (created_at, id) cursor.
CREATE INDEX sweeps_created_idx ON sweeps (created_at DESC, id DESC);
CREATE INDEX sweeps_status_idx ON sweeps (status) WHERE status IN ('queued', 'running');

CREATE TABLE org_snapshots (
  sweep_id        uuid PRIMARY KEY REFERENCES sweeps (id) ON DELETE CASCADE,
  organization_id text NOT NULL,
  snapshot        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sweep_accounts (
  sweep_id     uuid NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  account_id   text NOT NULL,
  account_name text NOT NULL,
  ou_path      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'running', 'collected', 'unreachable', 'failed', 'cancelled')),
  attempts     integer NOT NULL DEFAULT 0,
  reason       text,
  stats        jsonb,
  started_at   timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (sweep_id, account_id)
);

CREATE TABLE account_snapshots (
  sweep_id     uuid NOT NULL,
  account_id   text NOT NULL,
  state        jsonb NOT NULL,
  collected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sweep_id, account_id),
  FOREIGN KEY (sweep_id, account_id) REFERENCES sweep_accounts (sweep_id, account_id) ON DELETE CASCADE
);

-- One row per finding identity (rule + account + resource); the lifecycle spans sweeps.
CREATE TABLE findings (
  id                uuid PRIMARY KEY,
  fingerprint       text NOT NULL UNIQUE,
  rule_id           text NOT NULL,
  account_id        text NOT NULL,
  resource_arn      text NOT NULL,
  severity          text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  status            text NOT NULL CHECK (status IN ('open', 'resolved', 'suppressed')),
  title             text NOT NULL,
  evidence          jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_seen_sweep  uuid NOT NULL,
  last_seen_sweep   uuid NOT NULL,
  first_seen_at     timestamptz NOT NULL,
  last_seen_at      timestamptz NOT NULL,
  resolved_at       timestamptz,
  suppressed_reason text,
  suppressed_until  timestamptz
);
CREATE INDEX findings_account_idx ON findings (account_id, status);
CREATE INDEX findings_status_severity_idx ON findings (status, severity, id);
CREATE INDEX findings_rule_idx ON findings (rule_id, status);

CREATE TABLE guardrail_results (
  sweep_id     uuid NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  account_id   text NOT NULL,
  guardrail_id text NOT NULL,
  verdict      text NOT NULL CHECK (verdict IN ('enforced', 'not-enforced', 'exempted', 'not-applicable')),
  evidence     jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (sweep_id, account_id, guardrail_id)
);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  -- SHA-256 of the token: tokens are long random strings, so a slow hash adds nothing.
  token_hash   text NOT NULL UNIQUE,
  scope        text NOT NULL CHECK (scope IN ('read', 'write')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
