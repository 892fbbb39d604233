-- findings_ou_path_idx (0002) served prefix matches on ou_path; no query makes one any more. The OU
-- filter matches the OU's id anywhere in the path (LIKE '%/ou-id/%', which a btree cannot serve),
-- and the hot OU read goes through finding_ou_paths and findings_ou_severity_idx (0012). Every
-- finding written still had to update it; the saving is small, though (about 0.2 ms of an
-- account's 133-finding insert of 12-14 ms, measured alternately with and without it), because
-- few distinct paths make it a small, deduplicated index.
DROP INDEX IF EXISTS findings_ou_path_idx;
