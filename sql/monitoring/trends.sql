-- Purpose: completeness trends: per date and processor, average completeness,
--   production-ready share and the number of entities evaluated, for the trend charts.
-- Grain: one row per (date, processor) that evaluated at least one entity in the window; a
--   processor or a date without any (no games, processor not run) has no row: charts show a
--   gap, not a 0.
-- Parameters: @date_from DATE, @date_to DATE — the 30 dates ending at as_of (as_of − 29 …
--   as_of), the partition filter of every output table and of reprocess_attempts inside
--   {{evaluated_entities}}.
-- Rules: the entities EVALUATED per date, as readiness.sql and health.sql count them: output
--   rows and skip attempts, the latest event per key (so a day the pipeline skipped everything
--   shows as 0% ready, not as a gap); avg over non-NULL completeness as written (NULL: no games
--   expected); production_ready_pct = ready / evaluated × 100; two decimals.
-- Order: date ascending (a time axis), then processor.
WITH latest AS (
{{evaluated_entities}}
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
