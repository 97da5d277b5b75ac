-- Purpose: the keys that have tripped at least once for analysis dates in a range — the
--   candidates for "which breakers are active"; the caller derives each key's state from its
--   rows (a tripped key may since have been overridden, recovered or reset).
-- Grain: one row per (processor_name, entity_id, analysis_date).
-- Parameters: @date_from DATE, @date_to DATE
SELECT DISTINCT
  processor_name,
  entity_id,
  analysis_date
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
  AND circuit_breaker_tripped
ORDER BY processor_name, entity_id, analysis_date
