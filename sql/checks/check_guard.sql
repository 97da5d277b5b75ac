-- Purpose: the guard of the check service's writes (a check, its recorded skips, a run's
--   outcomes). It holds when the run's stored check rows are as many as the write read (none,
--   for a new check), none of the written entities has an outcome recorded yet, and — when the
--   write appends attempts — the keys' rows are exactly as read (same count, same latest
--   attempt). So a retried or concurrent call writes nothing twice, and no attempt is numbered
--   from a stale read. Evaluated inside the write's transaction.
-- Grain: one row, one BOOL column `ok`.
-- Parameters:
--   @run_id STRING, @processor STRING (canonical), @analysis_date DATE
--   @since TIMESTAMP                how far back checks and outcomes are looked for
--   @expected_checks INT64          stored check rows of the run and date the write read
--   @entity_ids ARRAY<STRING>       the entities the write records
--   @processor_names ARRAY<STRING>  every name of the processor (reprocess_attempts rows)
--   @check_keys BOOL                whether the keys' rows must be unchanged (the write appends attempts)
--   @expected_rows INT64            how many rows of the keys the read returned
--   @expected_last TIMESTAMP        their latest attempted_at as stored (@epoch when none)
--   @epoch TIMESTAMP                stands for "no rows"
SELECT
  (
    (NOT @check_keys OR (COUNT(*) = @expected_rows AND COALESCE(MAX(attempted_at), @epoch) = @expected_last))
    AND (
      SELECT COUNT(*)
      FROM nba_orchestration.completeness_checks
      WHERE checked_at >= @since
        AND run_id = @run_id
        AND processor = @processor
        AND analysis_date = @analysis_date
    ) = @expected_checks
    AND NOT EXISTS (
      SELECT 1
      FROM nba_orchestration.check_outcomes
      WHERE reported_at >= @since
        AND run_id = @run_id
        AND processor = @processor
        AND analysis_date = @analysis_date
        AND entity_id IN UNNEST(@entity_ids)
    )
  ) AS ok
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date = @analysis_date
  AND processor_name IN UNNEST(@processor_names)
  AND entity_id IN UNNEST(@entity_ids)
