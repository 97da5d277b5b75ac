-- Purpose: a reset's deletion: every row of one breaker key, whatever processor name (canonical
--   or a legacy alias) it was written under. Runs in the reset's transaction, which then
--   appends the single RESET row (who, why, how many rows went) and the audit record (which
--   keeps the deleted rows). A restore runs it too, on a key its guard holds to its RESET row
--   alone, before putting the kept rows back.
-- Grain: deletes the key's rows.
-- Parameters: @analysis_date DATE, @entity_id STRING, @processor_names ARRAY<STRING>
DELETE FROM nba_orchestration.reprocess_attempts
WHERE analysis_date = @analysis_date
  AND entity_id = @entity_id
  AND processor_name IN UNNEST(@processor_names)
