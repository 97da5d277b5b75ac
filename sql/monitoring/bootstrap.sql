-- Purpose: bootstrap records: how many rows each processor wrote in
--   bootstrap mode per date in the season of as_of (the first 30 days after opening night,
--   preseason dates, and explicit backfill runs: processed and flagged, never failures).
-- Grain: one row per (date, processor) with at least one bootstrap row.
-- Parameters: @date_from DATE, @date_to DATE — the season of as_of: its opening night from the
--   season calendar (seasonStartFor; the demo database registers a shifted season) through
--   as_of; in October before opening night, from October 1st. The partition filter of every
--   output table inside {{processor_outputs}}.
-- Rules: the latest row per (processor, entity, date) by its written-at columns counts (a later
--   non-bootstrap re-run of a key replaces its bootstrap row); NULL flags count as FALSE.
--   Output rows only: bootstrap entities are processed (written), never skipped, so skip
--   attempts cannot be bootstrap records.
-- Order: newest date first, then processor.
WITH outputs AS (
{{processor_outputs}}
),
latest AS (
{{> latest_output_row rows=outputs}}
)
SELECT
  date,
  processor,
  COUNT(*) AS bootstrap_records
FROM latest
WHERE backfill_bootstrap_mode
GROUP BY date, processor
ORDER BY date DESC, processor
