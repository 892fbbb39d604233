-- An account's collected state and raw AWS responses are only ever read back whole (simulation,
-- what-if, snapshot export), never queried inside: plain json keeps the text as given, which costs
-- PostgreSQL less than half of building jsonb (about 1 ms against 2.5 ms for the ~420 KB of raw
-- responses of an account with 50 users and 200 roles), at the same size on disk.
ALTER TABLE account_snapshots ALTER COLUMN state TYPE json USING state::json;
ALTER TABLE account_snapshots ALTER COLUMN raw TYPE json USING raw::json;

-- The large columns compressed with LZ4 instead of the default pglz: several times faster to
-- compress and read back, at a similar size for JSON. Builds without LZ4 (the embedded PGlite
-- among them) keep pglz.
DO $$
BEGIN
  ALTER TABLE account_snapshots ALTER COLUMN state SET COMPRESSION lz4;
  ALTER TABLE account_snapshots ALTER COLUMN raw SET COMPRESSION lz4;
  ALTER TABLE org_snapshots ALTER COLUMN snapshot SET COMPRESSION lz4;
  ALTER TABLE guardrail_results ALTER COLUMN evidence SET COMPRESSION lz4;
  ALTER TABLE findings ALTER COLUMN evidence SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'LZ4 compression not available in this build; the columns keep pglz';
END
$$;
