-- Purpose: each processor's trip rate: the share of the keys it evaluated over the 30 dates
--   ending at as_of that tripped a circuit breaker (the original's "> 5%" alert is on it).
-- Grain: one row per registry processor, ALL SEVEN in registry order, even one that evaluated
--   nothing in the window (keys 0, trip_rate_pct NULL).
-- Parameters:
--   @date_from DATE, @date_to DATE   as_of − 29 … as_of: the analysis dates counted (partition
--                                    filter of every output table and of reprocess_attempts)
--   @now TIMESTAMP                   trip rows attempted at or before it count
-- Rules:
--   * keys_attempted: the (entity, date) keys the processor evaluated on those dates, as
--     health.sql and trends.sql count them ({{evaluated_entities}}: output rows and skip
--     attempts, one per key).
--   * keys_tripped: those keys with at least one trip row ({{breaker_event}} = 'trip', under any
--     alias of the processor) attempted at or before @now. A key that tripped again after its
--     cooldown counts once: the rate is a share of keys, at most 100%. (The original divided
--     tripped ROWS by distinct keys, so a re-tripping key, or a flag-only override that left
--     the tripped flag set, counted more than once.)
--   * trip_rate_pct = keys_tripped / keys_attempted × 100, two decimals; NULL with no key.
WITH processors AS (
{{processor_list}}
),
latest AS (
{{evaluated_entities}}
),
attempted AS (
  SELECT processor, COUNT(*) AS keys_attempted
  FROM latest
  GROUP BY processor
),
tripped_keys AS (
  SELECT DISTINCT
    {{canonical_processor}} AS processor,
    entity_id,
    analysis_date
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
    AND attempted_at <= @now
    AND {{breaker_event}} = 'trip'
),
tripped AS (
  SELECT processor, COUNT(*) AS keys_tripped
  FROM tripped_keys
  GROUP BY processor
)
SELECT
  p.processor,
  COALESCE(a.keys_attempted, 0) AS keys_attempted,
  COALESCE(t.keys_tripped, 0) AS keys_tripped,
  IF(COALESCE(a.keys_attempted, 0) = 0, NULL, ROUND(100 * COALESCE(t.keys_tripped, 0) / a.keys_attempted, 2)) AS trip_rate_pct
FROM processors AS p
LEFT JOIN attempted AS a ON a.processor = p.processor
LEFT JOIN tripped AS t ON t.processor = p.processor
ORDER BY p.ord
