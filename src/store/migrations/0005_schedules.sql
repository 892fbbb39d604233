-- Schedules: sweeps on a timetable. The table is the source of truth; BullMQ job schedulers in
-- Redis are rebuilt from it at worker start-up, so a flushed Redis heals.

CREATE TABLE schedules (
  id               uuid PRIMARY KEY,
  name             text NOT NULL,
  cron             text NOT NULL,
  timezone         text NOT NULL,
  scope            jsonb NOT NULL,
  source_kind      text NOT NULL CHECK (source_kind IN ('snapshot', 'aws')),
  source_name      text NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  idempotency_key  text UNIQUE,
  created_by       text NOT NULL,
  updated_by       text NOT NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  -- Totals over the schedule's life; schedule_runs keeps only the most recent runs.
  runs_started     integer NOT NULL DEFAULT 0,
  runs_skipped     integer NOT NULL DEFAULT 0,
  runs_failed      integer NOT NULL DEFAULT 0,
  last_fired_at    timestamptz(3),
  last_skipped_at  timestamptz(3)
);
CREATE INDEX schedules_created_idx ON schedules (created_at DESC, id DESC);

-- One row per firing: a sweep started, a firing skipped because the previous sweep was still
-- queued or running, or a firing that could not start a sweep (e.g. the snapshot is gone).
-- (schedule_id, fired_at) makes a retried firing job record nothing twice.
CREATE TABLE schedule_runs (
  schedule_id  uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  fired_at     timestamptz(3) NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('started', 'skipped', 'failed')),
  sweep_id     uuid REFERENCES sweeps (id) ON DELETE SET NULL,
  reason       text,
  recorded_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, fired_at)
);

-- The sweep a schedule started. At most one queued or running sweep per schedule: the database
-- itself refuses an overlapping sweep, even when two firings race in two worker processes.
ALTER TABLE sweeps ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX sweeps_one_active_per_schedule ON sweeps (schedule_id)
  WHERE status IN ('queued', 'running');
