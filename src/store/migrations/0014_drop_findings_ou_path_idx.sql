-- findings_ou_path_idx (0002) served prefix matches on ou_path; no query makes one any more. The OU
-- filter matches the OU's id anywhere in the path (LIKE '%/ou-id/%', which a btree cannot serve),
-- and the hot OU read goes through finding_ou_paths and findings_ou_severity_idx (0012). The index
-- still had to be kept up to date on every finding written: about 2 ms of PostgreSQL CPU for an
-- account's 133 findings in bench/sweep.ts, a tenth of what the database spends on the account.
DROP INDEX IF EXISTS findings_ou_path_idx;
