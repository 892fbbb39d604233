-- Organization-wide settings (rule parameters, disabled rules, allowed regions): one row.
-- Each sweep keeps the settings it ran with, so its results can be explained later.

CREATE TABLE settings (
  id          integer PRIMARY KEY CHECK (id = 1),
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL
);

ALTER TABLE sweeps ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb;
