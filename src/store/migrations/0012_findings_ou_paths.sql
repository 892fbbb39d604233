-- GET /v1/findings?ouId= (the portal's hot read, bench/api.ts) without per-request skip scans or
-- over-reading; see findings-repo.ts.

-- The distinct OU paths findings carry, kept on write: an OU filter resolves to its paths with a
-- read of this small table instead of a skip scan of findings_ou_severity_idx on every request.
-- A path no finding carries any more stays (it matches nothing); a statement-level trigger
-- costs one pass over the rows a statement wrote, not a trigger call per row.
CREATE TABLE finding_ou_paths (path text PRIMARY KEY);

INSERT INTO finding_ou_paths (path) SELECT DISTINCT ou_path FROM findings;

CREATE FUNCTION finding_ou_paths_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finding_ou_paths (path)
  SELECT DISTINCT w.ou_path FROM written w ORDER BY 1
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER findings_ou_paths_insert AFTER INSERT ON findings
  REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION finding_ou_paths_add();
CREATE TRIGGER findings_ou_paths_update AFTER UPDATE ON findings
  REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION finding_ou_paths_add();

-- The first `page` ids (after `start_after`, optionally of one status) of the findings under an
-- OU (its id anywhere in the path) at the given severities. The OU's paths × severities are
-- ranges of findings_ou_severity_idx in id order; a merge of the ranges reads about page + ranges
-- index entries, where taking `page` ids of each range and sorting them read page × ranges.
-- The merge has a fixed number of branches (8, 16, 32, 64 or 128; unused ones match nothing), so
-- PL/pgSQL keeps one generic plan per connection instead of planning a query of many branches on
-- every request; every branch of that plan starts an index scan, used or not (about 5 µs each),
-- hence several sizes. Beyond 128 ranges (a wide OU with no severity floor, where matches are
-- dense) walking the table in id order finds a page sooner.
-- The merge is kept to its plan whatever the statistics say: when index scans look dear (a
-- visibility map that sweeps' updates keep clearing) the planner preferred a bitmap scan and a
-- sort of every range, in parallel, reading the whole OU for each page (a fresh bench/api.ts
-- database: 110,537 rows and 593 ms for a top-level OU). Sorts, bitmap scans and parallel workers
-- are off inside the function, and each range is limited to a page.
DO $do$
DECLARE
  sizes int[] := ARRAY[8, 16, 32, 64, 128];
  cases text := '';
  size int;
BEGIN
  FOREACH size IN ARRAY sizes LOOP
    cases := cases || format(
      E'\n      ELSIF ranges <= %s THEN\n        RETURN QUERY SELECT u.id FROM (%s) u ORDER BY u.id LIMIT page;',
      size,
      (SELECT string_agg(format(
        '(SELECT i.id FROM findings i WHERE i.ou_path = paths[%1$s] AND i.severity = sevs[%1$s]'
        ' AND i.id > start_after AND (only_status IS NULL OR i.status = only_status) ORDER BY i.id LIMIT page)', n),
        ' UNION ALL ') FROM generate_series(1, size) n));
  END LOOP;
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION finding_ids_in_ou(
      ou text, severities text[], start_after uuid, only_status text, page int
    ) RETURNS TABLE (id uuid) LANGUAGE plpgsql STABLE ROWS 100
    SET plan_cache_mode = force_generic_plan
    SET enable_sort = off
    SET enable_bitmapscan = off
    SET max_parallel_workers_per_gather = 0 AS $body$
    DECLARE
      paths text[];
      sevs text[];
      ranges int;
    BEGIN
      start_after := coalesce(start_after, '00000000-0000-0000-0000-000000000000');
      SELECT array_agg(p.path ORDER BY p.path, s.severity), array_agg(s.severity ORDER BY p.path, s.severity)
      INTO paths, sevs
      FROM finding_ou_paths p CROSS JOIN unnest(severities) s(severity)
      WHERE strpos(p.path, '/' || ou || '/') > 0;
      ranges := coalesce(cardinality(paths), 0);
      IF ranges = 0 THEN
        RETURN;%s
      ELSE
        RETURN QUERY SELECT f.id FROM findings f
          WHERE f.id > start_after AND f.severity = ANY (severities)
            AND strpos(f.ou_path, '/' || ou || '/') > 0
            AND (only_status IS NULL OR f.status = only_status)
          ORDER BY f.id LIMIT page;
      END IF;
    END
    $body$ $f$, cases);
END
$do$;

-- A page of an OU's findings as the list carries them (no evidence, times as UTC text), read in
-- PL/pgSQL so that its plan is kept per connection like finding_ids_in_ou's: the statement that
-- joined those ids to findings was planned again on every request (0.13 ms of PostgreSQL CPU of
-- about 0.6 in bench/api.ts). Columns as FindingSummaryRow in findings-repo.ts has them.
CREATE FUNCTION finding_summaries_in_ou(
  ou text, severities text[], start_after uuid, only_status text, page int
) RETURNS TABLE (
  id uuid, fingerprint text, rule_id text, account_id text, account_name text, ou_path text,
  resource_arn text, severity text, status text, title text, first_seen_sweep uuid,
  last_seen_sweep uuid, suppressed_reason text, suppressed_by text, first_seen_at text,
  last_seen_at text, resolved_at text, suppressed_until text
) LANGUAGE plpgsql STABLE ROWS 100
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
  SELECT f.id, f.fingerprint, f.rule_id, f.account_id, f.account_name, f.ou_path, f.resource_arn,
    f.severity, f.status, f.title, f.first_seen_sweep, f.last_seen_sweep, f.suppressed_reason,
    f.suppressed_by, (f.first_seen_at AT TIME ZONE 'UTC')::text, (f.last_seen_at AT TIME ZONE 'UTC')::text,
    (f.resolved_at AT TIME ZONE 'UTC')::text, (f.suppressed_until AT TIME ZONE 'UTC')::text
  FROM finding_ids_in_ou(ou, severities, start_after, only_status, page) p
  JOIN findings f ON f.id = p.id
  ORDER BY p.id;
END
$$;
