-- Purpose: completeness trends (SPEC §2.5 query 3): per date and processor, average
--   completeness, production-ready share and row count, for the trend charts.
-- Grain: one row per (date, processor) that has output rows in the window; a processor or a
--   date without rows (no games, processor not run) has no row: charts show a gap, not a 0.
-- Parameters: @date_from DATE, @date_to DATE — the 30 dates ending at as_of (as_of − 29 …
--   as_of), the partition filter of every output table inside {{processor_outputs}}.
-- Rules: the latest row per (processor, entity, date) by processed_at; avg over non-NULL
--   completeness (NULL: no games expected); production_ready_pct = ready / rows × 100 with
--   skipped entities counted as not ready; two decimals.
-- Order: date ascending (a time axis), then processor.
WITH outputs AS (
{{processor_outputs}}
),
latest AS (
  SELECT *
  FROM outputs
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, date ORDER BY processed_at DESC NULLS LAST) = 1
)
SELECT
  date,
  processor,
  ROUND(AVG(completeness_percentage), 2) AS avg_completeness_pct,
  ROUND(100 * COUNTIF(is_production_ready) / COUNT(*), 2) AS production_ready_pct,
  COUNT(*) AS records
FROM latest
GROUP BY date, processor
ORDER BY date, processor
