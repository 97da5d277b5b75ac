-- Purpose: one page of the audit of console writes for the Audit page, GET /api/v1/audit and its
--   CSV export (read a page at a time): the records a filter selects, sorted, with how many it
--   selects over every page. Nothing in the console edits or deletes the audit.
-- Grain: one row per write (a bulk override is one row however many keys it changed). A record's
--   keys come as the first @keys_chars characters of its keys_json (keys_head, a prefix of a JSON
--   array: the caller keeps its complete keys) and their total length (keys_chars); a reset's row
--   carries the rows it deleted (removed_rows_json, NULL for every other action).
-- Parameters:
--   @created_from TIMESTAMP, @created_to TIMESTAMP  the partition range (created_at)
--   @actor STRING          '' for any actor
--   @action STRING         '' for any action (override, bulk_override, reset, …)
--   @processor STRING      '' for any; else writes touching a key of that processor, and the
--                          check service's records of its runs (also those that changed no key)
--   @keys_chars INT64      how much of each record's keys_json to return
--   @page_limit INT64, @page_offset INT64  the page (after the total order below)
-- {{audit_order}}: the ORDER BY list, one of the definition's allowed orders: the sort column in
--   the asked direction, then created_at and audit_id in the same direction (a total order, so
--   pages neither overlap nor skip).
-- total: the records the filter selects (a window over the filtered rows, before LIMIT).
SELECT
  audit_id,
  action,
  actor,
  actor_role,
  request_id,
  reason_code,
  reason,
  key_count,
  created_at,
  removed_rows_json,
  SUBSTR(keys_json, 1, @keys_chars) AS keys_head,
  LENGTH(keys_json) AS keys_chars,
  COUNT(*) OVER () AS total
FROM nba_orchestration.breaker_audit_log
WHERE {{> audit_filters}}
ORDER BY {{audit_order}}
LIMIT @page_limit OFFSET @page_offset
