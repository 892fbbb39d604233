-- finding_ids_in_ou (0015) kept to its plan whatever the statistics say. Its generic plan merges
-- each (path, severity) range read in id order from findings_ou_severity_idx and stops after a
-- page; when index scans look dear (a visibility map that sweeps' updates keep clearing, other
-- statistics) the planner preferred a bitmap scan and a sort of every range, in parallel: the
-- whole OU read for each page (a fresh bench/api.ts database, 110,537 rows and 593 ms for a
-- top-level OU). Sorts, bitmap scans and parallel workers are off inside the function, and each
-- range is limited to a page, so the merge is the plan. Same signature and results.
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
