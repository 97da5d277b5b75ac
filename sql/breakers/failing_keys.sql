-- Purpose: the candidates for "about to trip": keys with at least @min_failures failed attempts
--   that did not trip, attempted at or before @now, for analysis dates in a range. The caller
--   derives each key's state from all of its rows (deriveBreakerState) and keeps the keys still
--   failing whose next failure trips them: a key that since succeeded, tripped, or was
--   overridden or reset drops out there, so this list only needs to be a superset.
-- Grain: one row per (processor_name, entity_id, analysis_date) as stored (aliases separate).
-- Parameters:
--   @date_from DATE, @date_to DATE   analysis dates considered (partition filter)
--   @now TIMESTAMP                   only rows attempted at or before it count
--   @min_failures INT64              failed attempts needed to be a candidate
-- {{breaker_event}}: the event of a row, from event_type or else the flags
SELECT processor_name, entity_id, analysis_date
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
  AND attempted_at <= @now
GROUP BY processor_name, entity_id, analysis_date
HAVING COUNTIF({{breaker_event}} = 'failure') >= @min_failures
ORDER BY processor_name, entity_id, analysis_date
