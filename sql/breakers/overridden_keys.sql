-- Purpose: which of a set of breaker keys were ever overridden, so that what overrides led to is
--   read for those keys only (a list of thousands of active keys holds a handful of overridden
--   ones; reading every row of all of them costs seconds).
-- Grain: one row per key with at least one override row (event_type, or else the flags, as
--   eventOf reads them). The filter is the product of the lists, as in key_rows.sql: callers
--   keep the keys they asked for.
-- Parameters:
--   @processor_names ARRAY<STRING>  canonical names and the aliases old rows were written with
--   @date_from DATE, @date_to DATE  the partitions to read (inclusive)
--   @entity_ids ARRAY<STRING>       the keys' entities
-- {{canonical_processor}}: the registry's names → canonical name (lib/queries/processor-outputs.ts)
-- {{breaker_event}}: the event of a row, from event_type or else the flags
SELECT DISTINCT {{canonical_processor}} AS processor, entity_id, analysis_date
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
  AND processor_name IN UNNEST(@processor_names)
  AND entity_id IN UNNEST(@entity_ids)
  AND {{breaker_event}} = 'override'
