-- Purpose: the dates the pipeline evaluated an entity on (an output row or a breaker row), most
--   recent first: the entity page opens on the latest one when no date is given (the original's
--   ORDER BY … LIMIT 1) and links to the previous and next dates with data. The Python
--   processors write no output row for an entity they skip: its breaker rows are its only trace.
-- Grain: one row per date with at least one output or breaker row for the entity in the range.
-- Parameters:
--   @entity STRING                  a player_lookup or a team tricode (as in entity_outputs.sql)
--   @date_from DATE, @date_to DATE  the partitions to read (inclusive), computed by the app
-- {{entity_output_dates}}: the registry-generated union, one branch per processor of the
--   entity's kind, each filtering its own partition and entity columns, and one branch over
--   reprocess_attempts (analysis_date in range; any of the processor's names).
WITH outputs AS (
{{entity_output_dates}}
)
SELECT date, COUNT(DISTINCT processor) AS processors
FROM outputs
GROUP BY date
ORDER BY date DESC
