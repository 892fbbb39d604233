-- The large jsonb columns (collected state, raw AWS responses, evidence) compressed with LZ4
-- instead of the default pglz: several times faster to compress and read back, at a similar size
-- for JSON. PostgreSQL builds without LZ4 (the embedded PGlite among them) keep pglz.
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
