-- finding_ids_in_ou (0012) with more sizes of merge: 8, 16, 32, 64 or 128 branches. Every branch
-- of the generic plan starts an index scan, used or not (about 5 µs each): a top-level OU at
-- severity >= medium (51 ranges in bench/api.ts) ran 128 branches for 0.8 ms of PostgreSQL CPU,
-- where 64 do. Same signature and results.
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
        ' AND i.id > start_after AND (only_status IS NULL OR i.status = only_status) ORDER BY i.id)', n),
        ' UNION ALL ') FROM generate_series(1, size) n));
  END LOOP;
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION finding_ids_in_ou(
      ou text, severities text[], start_after uuid, only_status text, page int
    ) RETURNS TABLE (id uuid) LANGUAGE plpgsql STABLE ROWS 100
    SET plan_cache_mode = force_generic_plan AS $body$
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
