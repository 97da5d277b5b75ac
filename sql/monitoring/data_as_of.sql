-- Purpose: "data as of": the latest date that has processor output, the default as_of of
--   every monitoring query and the stamp on the overview.
-- Grain: one row, one DATE column `as_of` (NULL when no output table has a row in the range).
-- Parameters: @date_from DATE, @date_to DATE — the partition filter of every output table
--   inside {{processor_outputs}}: the 400 dates ending at now's date, and only when those hold
--   nothing, 2000-01-01 … now's date (lib/queries/monitoring.ts, latestOutputDate). Only the
--   date columns are read (BigQuery prunes the unused ones), so this is cheap; the app caches it.
-- Note: output written after @date_to (a game date ahead of today) is not "data as of".
SELECT MAX(date) AS as_of
FROM (
{{processor_outputs}}
) AS outputs
