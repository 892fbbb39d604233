-- Hot reads at organization scale (bench/api.ts: 1,000,000 findings over 5,000 accounts).
-- GET /v1/findings by OU and severity reads each (OU path, severity) range in id order from
-- this index, status included so an open-only page needs no table row to filter; see
-- findings-repo.ts. Without it, a page for a small OU walked the whole table in id order.
CREATE INDEX findings_ou_severity_idx ON findings (ou_path, severity, id) INCLUDE (status);

-- GET /v1/sweeps/:id lists a sweep's unreachable and failed accounts, and a running sweep counts
-- its accounts by status: without this, each read walked all of the sweep's accounts.
CREATE INDEX sweep_accounts_status_idx ON sweep_accounts (sweep_id, status, account_id);
