-- Purpose: when each breaker key's output row was last written as PROCESSED, for the outcome of
--   an override: the original Python processors write no success row in reprocess_attempts, so
--   an override they honoured shows only as the key's output row written after it. Rows the
--   console's engine writes for skipped entities (processing_decision_reason skipped_*) are not
--   processing and are left out; a NULL reason (a pipeline that does not set it writes only
--   what it processed) counts as processed.
-- Grain: one row per (entity_id, date) of one processor's output table with a processed row
--   written at or before @observed_at. The filter is the product of the lists (a superset of
--   the keys when they span several dates): callers keep the keys they asked for.
-- Parameters:
--   @date_from DATE, @date_to DATE  the partitions to read (the table's own date column)
--   @entity_ids ARRAY<STRING>       the keys' entities (LAL_<date> for the team-game processor)
--   @observed_at TIMESTAMP          the read's now: later rows are not seen
-- {{processor_output}}: one processor's output table (lib/queries/processor-outputs.ts): its
--   entity as the breaker key's entity_id, its date column as date, its written-at columns as
--   processed_at.
WITH outputs AS (
{{processor_output}}
)
SELECT entity_id, date, MAX(processed_at) AS processed_at
FROM outputs
WHERE entity_id IN UNNEST(@entity_ids)
  AND processed_at <= @observed_at
  AND (processing_decision_reason IS NULL OR processing_decision_reason NOT LIKE 'skipped%')
GROUP BY entity_id, date
