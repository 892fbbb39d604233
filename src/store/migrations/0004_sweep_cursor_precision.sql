-- Sweep list cursors carry created_at as a JavaScript Date, which holds milliseconds; PostgreSQL
-- keeps microseconds, so a cursor compared against a microsecond value skipped rows that shared
-- its millisecond. Storing milliseconds makes the cursor exact.
ALTER TABLE sweeps ALTER COLUMN created_at TYPE timestamptz(3);
