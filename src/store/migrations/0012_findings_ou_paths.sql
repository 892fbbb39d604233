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
-- The merge has a fixed number of branches (8, 32 or 128, unused ones match nothing), so
-- PL/pgSQL keeps one generic plan per connection instead of planning a query of many branches
-- on every request. Beyond 128 ranges (a wide OU with no severity floor, where matches are
-- dense) walking the table in id order finds a page sooner.
DO $do$
DECLARE
  branches text[];
BEGIN
  SELECT array_agg(
    (SELECT string_agg(format(
      '(SELECT i.id FROM findings i WHERE i.ou_path = paths[%1$s] AND i.severity = sevs[%1$s]'
      ' AND i.id > start_after AND (only_status IS NULL OR i.status = only_status) ORDER BY i.id)', n),
      ' UNION ALL ') FROM generate_series(1, size) n) ORDER BY size)
  INTO branches FROM unnest(ARRAY[8, 32, 128]) size;
  EXECUTE format($f$
    CREATE FUNCTION finding_ids_in_ou(
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
        RETURN;
      ELSIF ranges <= 8 THEN
        RETURN QUERY SELECT u.id FROM (%s) u ORDER BY u.id LIMIT page;
      ELSIF ranges <= 32 THEN
        RETURN QUERY SELECT u.id FROM (%s) u ORDER BY u.id LIMIT page;
      ELSIF ranges <= 128 THEN
        RETURN QUERY SELECT u.id FROM (%s) u ORDER BY u.id LIMIT page;
      ELSE
        RETURN QUERY SELECT f.id FROM findings f
          WHERE f.id > start_after AND f.severity = ANY (severities)
            AND strpos(f.ou_path, '/' || ou || '/') > 0
            AND (only_status IS NULL OR f.status = only_status)
          ORDER BY f.id LIMIT page;
      END IF;
    END
    $body$ $f$, branches[1], branches[2], branches[3]);
END
$do$;
