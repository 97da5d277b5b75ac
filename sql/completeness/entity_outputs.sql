-- Purpose: the entity page's stored columns (the original check-completeness script, done
--   right): for one entity and one date, the latest stored output row of each processor that
--   applies to the entity, with the 14 standard completeness columns and the window columns.
-- Grain: one row per processor with a row for the entity on @date: the latest written
--   (processors append a newer row on a retry or after an override; latest wins).
-- Parameters:
--   @entity STRING  the entity column's value: a player_lookup (lebronjames) or a team tricode
--                   (LAL; the team-game processor's rows are keyed LAL_<date> in entity_id)
--   @date DATE      the processor date (each branch filters its own partition column)
-- {{entity_outputs}}: the registry-generated union of the output tables for the entity's kind
--   (lib/queries/entity.ts), one branch per processor, window columns NULL where absent;
--   processed_at is the table's written-at expression (the feature store has no processed_at).
-- Values are returned as written: completeness above 100 (the original checker's) included.
WITH outputs AS (
{{entity_outputs}}
)
SELECT *
FROM outputs
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY processor ORDER BY processed_at DESC NULLS LAST) = 1
ORDER BY processor
