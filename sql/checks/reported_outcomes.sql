-- Purpose: the outcomes a processor run already reported for one date, so a retried report
--   writes nothing twice and a contradicting one is refused.
-- Grain: one row per reported entity of (@run_id, @processor, @analysis_date).
-- Parameters: @run_id STRING, @processor STRING (canonical name), @analysis_date DATE,
--   @reported_since TIMESTAMP (the partitions read: the check's own age limit)
SELECT
  entity_id,
  outcome,
  reason,
  event_type,
  attempt_number,
  circuit_breaker_until
FROM nba_orchestration.check_outcomes
{{> run_entity_rows stamp=reported_at since=@reported_since}}
