-- Purpose: the production-readiness summary for as_of, the daily report: per processor the
--   entities it evaluated, ready and not-ready counts, ready %, average completeness and a
--   status band.
-- Grain: one row per registry processor, all seven, even one without rows on as_of.
-- Parameters: @date_from DATE, @date_to DATE — both as_of (the partition filter of every
--   output table and of reprocess_attempts inside {{evaluated_entities}}).
-- Rules:
--   * the entities EVALUATED on as_of: output rows and skip attempts (failure or trip rows of
--     reprocess_attempts, events from event_type or else the flags), the latest event per key
--     (a tie goes to the output row). The Python processors write skipped entities only to
--     reprocess_attempts, so counting output rows alone would put ready % near 100 whatever
--     was skipped. A skip attempt is not ready; total_records counts evaluated entities.
--   * status from the UNROUNDED ready share (as every threshold here): excellent ≥ 95,
--     good ≥ 90, warning ≥ 80, else critical. Compared in integers (100 × ready ≥ 95 × rows),
--     so no float rounding decides a band, and without referring to a same-SELECT alias
--     (the original's CASE read `ready_pct` from its own SELECT, invalid in BigQuery).
--   * a processor with no rows on as_of: counts 0, ready_pct and avg NULL, status 'critical'.
--     A processor that wrote nothing for the latest date is the first thing the daily report
--     must flag (it did not run, or ran on nothing); 'excellent' or 'good' would hide it and
--     the contract's bands have no "no data" value. total_records = 0 tells the two apart.
-- Order: worst first (no rows, then lowest ready %), then registry order.
WITH processors AS (
{{processor_list}}
),
latest AS (
{{evaluated_entities}}
),
stats AS (
  SELECT
    processor,
    COUNT(*) AS total_records,
    COUNTIF(is_production_ready) AS ready_count,
    ROUND(AVG(completeness_percentage), 2) AS avg_completeness_pct
  FROM latest
  GROUP BY processor
)
SELECT
  p.processor,
  COALESCE(s.total_records, 0) AS total_records,
  COALESCE(s.ready_count, 0) AS ready_count,
  COALESCE(s.total_records - s.ready_count, 0) AS not_ready_count,
  ROUND(100 * s.ready_count / s.total_records, 2) AS ready_pct,
  s.avg_completeness_pct,
  CASE
    WHEN s.total_records IS NULL THEN 'critical'
    WHEN 100 * s.ready_count >= 95 * s.total_records THEN 'excellent'
    WHEN 100 * s.ready_count >= 90 * s.total_records THEN 'good'
    WHEN 100 * s.ready_count >= 80 * s.total_records THEN 'warning'
    ELSE 'critical'
  END AS status
FROM processors AS p
LEFT JOIN stats AS s ON s.processor = p.processor
ORDER BY ready_pct ASC NULLS FIRST, p.ord
