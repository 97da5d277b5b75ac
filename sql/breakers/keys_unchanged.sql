-- Purpose: the guard of every console write (override, bulk override, reset, restore). It holds when the
--   keys' rows are exactly as the write read them (same count, same latest attempt) and the
--   request has not been applied yet, so a write based on a stale read, or a retried request,
--   changes nothing. Evaluated inside the write's transaction. Only the written keys count: a
--   pipeline run writing attempts for other keys of the same dates and entities (a bulk override
--   during a backfill) does not make the write stale.
-- Grain: one row, one BOOL column `ok`.
-- Parameters:
--   @processor_names ARRAY<STRING>, @date_from DATE, @date_to DATE, @entity_ids ARRAY<STRING>
--     the same filter the state was read with (key_rows.sql): it prunes partitions and clusters
--   @key_ids ARRAY<STRING>          the written keys, `canonical processor|entity_id|YYYY-MM-DD`
--                                   ({{canonical_processor}} maps every name of a processor)
--   @expected_rows INT64            how many rows that read returned
--   @expected_last TIMESTAMP        their latest attempted_at (@epoch when there were none),
--                                   as read: with the stored microseconds (the pipeline writes
--                                   them), so the equality below compares at the warehouse's
--                                   precision and holds when nothing changed
-- Every row of the keys counts here, including rows stamped after the write's `now` that its
-- state ignores: any concurrent change makes the write re-read.
--   @epoch TIMESTAMP                stands for "no rows"
--   @request_id STRING              the write's idempotency key
--   @audit_since TIMESTAMP          how far back an earlier application of it is looked for
SELECT
  (
    COUNT(*) = @expected_rows
    AND COALESCE(MAX(attempted_at), @epoch) = @expected_last
    AND NOT EXISTS (
      SELECT 1
      FROM nba_orchestration.breaker_audit_log
      WHERE created_at >= @audit_since
        AND request_id = @request_id
    )
  ) AS ok
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
  AND processor_name IN UNNEST(@processor_names)
  AND entity_id IN UNNEST(@entity_ids)
  AND CONCAT({{canonical_processor}}, '|', entity_id, '|', CAST(analysis_date AS STRING)) IN UNNEST(@key_ids)
