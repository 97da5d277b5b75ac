-- Purpose: the breaker keys with a trip or an override attempted in a span of weeks: the keys
--   whose rows the override trends read (overrides applied and what they led to, trips and
--   whether an operator later overrode them).
-- Grain: one row per key (canonical processor, entity_id, analysis_date); unknown processor
--   names are kept as stored (the caller keeps registry processors).
-- Parameters:
--   @date_from DATE, @date_to DATE             the analysis_date partitions to read (the app
--                                              reaches back before the span: a key is retried
--                                              and tripped days after its date)
--   @from_at TIMESTAMP, @to_at TIMESTAMP       the span, [from_at, to_at)
-- {{canonical_processor}}: the registry's names → canonical name (lib/queries/processor-outputs.ts)
-- {{breaker_event}}: the event of a row, from event_type or else the flags (as eventOf)
SELECT DISTINCT processor, entity_id, analysis_date
FROM (
  SELECT {{canonical_processor}} AS processor, entity_id, analysis_date, {{breaker_event}} AS event
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
    AND attempted_at >= @from_at
    AND attempted_at < @to_at
) AS rows_in_span
WHERE event IN ('trip', 'override')
ORDER BY processor, entity_id, analysis_date
