-- Purpose: an earlier application of a request id (idempotency). A reset deletes the key's
--   attempt rows, request ids included, so the audit log is where a replay is recognised.
-- Grain: one row per audit record with that request id (at most one in practice).
-- Parameters: @request_id STRING, @audit_since TIMESTAMP (partition filter: the replay window)
-- {{audit_columns}}: every column of the audit record, in the order of its row schema.
SELECT
  {{audit_columns}}
FROM nba_orchestration.breaker_audit_log
WHERE created_at >= @audit_since
  AND request_id = @request_id
