-- Purpose: every reprocess_attempts row of the analysis dates in a range, whatever its key or
--   processor name, so the state of every key of those dates is derived from one read: the
--   demo's next pipeline pass picks the keys the orchestrator retries (overridden since their
--   last attempt, cooldown over, failing) from it. Callers resolve processor aliases.
-- {{attempt_columns}}: every column of the stored row, in the order of its row schema.
-- Grain: one row per stored row (attempt, trip, recovery, override, reset).
-- Parameters: @date_from DATE, @date_to DATE  the partitions to read (inclusive)
SELECT
  {{attempt_columns}}
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
ORDER BY processor_name, entity_id, analysis_date, attempt_number, attempted_at
