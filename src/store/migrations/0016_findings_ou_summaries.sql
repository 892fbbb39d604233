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
