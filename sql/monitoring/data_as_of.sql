-- Purpose: "data as of": the latest date the pipeline evaluated, the default as_of of every
--   monitoring query and the stamp on the overview.
-- Grain: one row, one DATE column `as_of` (NULL when nothing was evaluated in the range).
-- Parameters: @date_from DATE, @date_to DATE — the partition filter of every output table and
--   of reprocess_attempts inside {{evaluated_dates}}: the 400 dates ending at now's date, and
--   only when those hold nothing, 2000-01-01 … now's date (lib/queries/monitoring.ts,
--   latestOutputDate). Only date and event columns are read (BigQuery prunes the others).
-- Rules: a date counts when a processor wrote output for it OR recorded a skip attempt for it
--   (failure or trip; events from event_type, else the flags). The Python processors write no
--   output for the entities they skip: on a night they skip everything (a mass outage) the
--   date is still the latest the pipeline ran, and the overview must show it at 0% ready.
-- Note: dates after @date_to (a game date ahead of today) are not "data as of".
SELECT MAX(date) AS as_of
FROM (
{{evaluated_dates}}
) AS evaluated
