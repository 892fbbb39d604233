-- The raw AWS responses an account's state was normalized from, so a sweep can be exported in
-- the snapshot-source format and replayed offline (GET /v1/sweeps/:id/snapshot).
ALTER TABLE account_snapshots ADD COLUMN raw jsonb;
