-- Purpose: every reprocess_attempts row of the keys a processor run touches, so the breaker
--   state of all of them is derived from one read (the original ran one query per entity, and
--   failed open on any error).
-- Grain: one row per stored row (attempt, trip, recovery, override, reset).
-- Parameters:
--   @processor_names ARRAY<STRING>  the canonical name and the aliases old rows were written with
--   @analysis_date DATE             the partition being processed
--   @entity_ids ARRAY<STRING>       the run's entities
SELECT
  processor_name,
  entity_id,
  analysis_date,
  attempt_number,
  attempted_at,
  completeness_pct,
  skip_reason,
  circuit_breaker_tripped,
  circuit_breaker_until,
  manual_override_applied,
  notes,
  event_type,
  actor,
  actor_role,
  reason_code,
  request_id,
  override_expires_at,
  rows_removed,
  batch_id,
  created_at
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date = @analysis_date
  AND processor_name IN UNNEST(@processor_names)
  AND entity_id IN UNNEST(@entity_ids)
ORDER BY entity_id, attempt_number, attempted_at
