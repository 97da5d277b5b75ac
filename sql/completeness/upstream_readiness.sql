-- Purpose: cascade readiness. For each upstream processor, whether its row for an entity and the
--   run's date is production ready. The engine treats a missing row as not ready.
-- Grain: one row per (processor, entity_id): the latest row written for the date (a re-run
--   after an override appends a newer row; latest wins).
-- Parameters: @date_from DATE and @date_to DATE (both the run's date), @entity_ids ARRAY<STRING>
--   (players, opponent tricodes and opponent team-game keys, as the dependencies are keyed).
-- {{processor_outputs}}: the registry-generated union of the output tables.
WITH outputs AS (
{{processor_outputs}}
)
SELECT processor, entity_id, is_production_ready
FROM outputs
WHERE entity_id IN UNNEST(@entity_ids)
QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id ORDER BY processed_at DESC NULLS LAST) = 1
