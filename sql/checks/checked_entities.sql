-- Purpose: what the check service answered a processor run for one date: the stored decision
--   per entity, to answer a retried check the same way and to record the run's outcomes
--   against the decision it acted on.
-- Grain: one row per checked entity of (@run_id, @processor, @analysis_date).
-- Parameters: @run_id STRING, @processor STRING (canonical name), @analysis_date DATE,
--   @checked_since TIMESTAMP (the partitions read: checks are kept 30 days),
--   @with_answers BOOL (the stored answers too: a replayed check needs them, a report of
--   outcomes only the decisions — about 2 KB per entity less to send back and parse; BigQuery
--   still reads, and bills, the column)
SELECT
  entity_id,
  checked_at,
  actor,
  request_fingerprint,
  action,
  skip_reason,
  completeness_pct,
  counts_as_failure,
  CASE WHEN @with_answers THEN result_json END AS result_json
FROM nba_orchestration.completeness_checks
{{> run_entity_rows stamp=checked_at since=@checked_since}}
