-- Purpose: the operators' actions drawn on the trends charts' time axis: every override, bulk
--   override, reset and restore the console recorded in its audit in a span of instants (the
--   audit keeps a write even when a later reset deleted the rows it appended).
-- Grain: one row per audit record of those actions.
-- Parameters:
--   @created_from TIMESTAMP, @created_to TIMESTAMP  the span, [created_from, created_to): the
--                                                   audit's partition filter (created_at)
-- Order: created_at ascending.
SELECT
  action,
  actor,
  key_count,
  created_at
FROM nba_orchestration.breaker_audit_log
WHERE created_at >= @created_from
  AND created_at < @created_to
  AND action IN ('override', 'bulk_override', 'reset', 'restore')
ORDER BY created_at, audit_id
