-- Purpose: one audit record by its id, without its keys: the header of the record's keys page
--   (GET /api/v1/audit/<audit_id>/keys, /audit/<audit_id>) and when it was written, which names
--   the one partition audit_keys.sql then reads its keys from.
-- Grain: one row (none for an unknown id). Reads every partition, but only the record's small
--   columns: keys_json and removed_rows_json, the table's bulk, are not read here.
-- Parameters:
--   @audit_id STRING       the record
SELECT
  audit_id,
  action,
  actor,
  actor_role,
  request_id,
  reason_code,
  reason,
  key_count,
  created_at
FROM nba_orchestration.breaker_audit_log
WHERE audit_id = @audit_id
