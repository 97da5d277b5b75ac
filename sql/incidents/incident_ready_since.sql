-- Purpose: since when each upstream key's output has been production ready — what a cascade
--   key waiting for it saw at the moment it failed (ready then only if a ready row had been
--   written by then). Output rows are appended; a key ready once stays served by that row.
-- Grain: one row per (processor, entity_id, date) among the given entities that has output rows.
-- Columns: ready_since — the earliest written-at of a row with is_production_ready = TRUE (NULL
--   when none, or when that row's write time was not recorded: then `ever_ready` tells).
-- Parameters:
--   @date_from DATE, @date_to DATE   the keys' dates (partition filter on every output table)
--   @entity_ids ARRAY<STRING>        the upstream keys' entities (players, tricodes, team-game keys)
-- {{processor_outputs}}: the registry-generated union of the output tables.
WITH outputs AS (
{{processor_outputs}}
)
SELECT
  processor,
  entity_id,
  date,
  MIN(IF(is_production_ready, processed_at, NULL)) AS ready_since,
  COUNTIF(is_production_ready) > 0 AS ever_ready
FROM outputs
WHERE entity_id IN UNNEST(@entity_ids)
GROUP BY processor, entity_id, date
