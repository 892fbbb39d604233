-- Account tags, kept across sweeps. Organizations answers them with one ListTagsForResource per
-- account at a few calls per second (4 minutes for 1,000 accounts), so a sweep does not wait for
-- them: it takes the tags kept here and refreshes those older than the configured age beside its
-- account phase (workers/sweep-processor.ts).
CREATE TABLE IF NOT EXISTS account_tags (
  account_id text PRIMARY KEY,
  tags       jsonb NOT NULL,
  read_at    timestamptz NOT NULL
);
