-- Purpose: reset records with the rows each deleted, and the restore that undid it if one did:
--   what a restore reads before it writes, and what the Audit page shows beside each reset.
-- Grain: one row per reset record (at most one restore names a reset: the restore's guard
--   refuses a second one).
-- Parameters:
--   @audit_ids ARRAY<STRING>    resets by audit id
--   @request_ids ARRAY<STRING>  resets by the request id they were applied with
--   @since TIMESTAMP            the oldest reset looked at (partition filter; restores come after
--                               their reset, so the same bound serves them)
SELECT
  r.audit_id,
  r.actor,
  r.request_id,
  r.reason,
  r.keys_json,
  r.created_at,
  r.removed_rows_json,
  u.audit_id AS restore_audit_id,
  u.actor AS restored_by,
  u.created_at AS restored_at
FROM nba_orchestration.breaker_audit_log AS r
LEFT JOIN nba_orchestration.breaker_audit_log AS u
  ON u.action = 'restore'
  AND u.restores_audit_id = r.audit_id
  AND u.created_at >= @since
WHERE r.created_at >= @since
  AND r.action = 'reset'
  AND (r.audit_id IN UNNEST(@audit_ids) OR r.request_id IN UNNEST(@request_ids))
ORDER BY r.created_at DESC
