-- Purpose: every reprocess_attempts row of a set of breaker keys, so the state of all of them
--   is derived from one read (the original ran one query per entity, and failed open on any
--   error). A processor run reads one date; an override or a bulk override reads its keys.
-- {{attempt_columns}}: every column of the stored row, in the order of its row schema.
-- Grain: one row per stored row (attempt, trip, recovery, override, reset). The filter is the
--   product of the lists (a superset of the keys when they span several dates): callers keep
--   the keys they asked for.
-- Parameters:
--   @processor_names ARRAY<STRING>  canonical names and the aliases old rows were written with
--   @date_from DATE, @date_to DATE  the partitions to read (inclusive)
--   @entity_ids ARRAY<STRING>       the keys' entities
SELECT
  {{attempt_columns}}
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
  AND processor_name IN UNNEST(@processor_names)
  AND entity_id IN UNNEST(@entity_ids)
ORDER BY entity_id, attempt_number, attempted_at
