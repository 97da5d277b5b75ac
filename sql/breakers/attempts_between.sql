-- Purpose: every reprocess_attempts row of the analysis dates in a range, whatever its key or
--   processor name, so the state of every key of those dates is derived from one read: the
--   demo's next pipeline pass picks the keys the orchestrator retries (overridden since their
--   last attempt, cooldown over, failing) from it. Callers resolve processor aliases.
-- Grain: one row per stored row (attempt, trip, recovery, override, reset).
-- Parameters: @date_from DATE, @date_to DATE  the partitions to read (inclusive)
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
WHERE analysis_date BETWEEN @date_from AND @date_to
ORDER BY processor_name, entity_id, analysis_date, attempt_number, attempted_at
