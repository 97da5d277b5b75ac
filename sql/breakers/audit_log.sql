-- Purpose: every audit record of a window at once (at most 5000), newest first, for tests and
--   tools that read a short window whole; the Audit page, its CSV export and GET /api/v1/audit
--   page with audit_page.sql instead. Nothing in the console edits or deletes the audit.
-- Grain: one row per write (a bulk override is one row listing all its keys). A reset's row
--   carries the rows it deleted (removed_rows_json, NULL for every other action), so the page
--   can say how many went.
-- Parameters:
--   @created_from TIMESTAMP, @created_to TIMESTAMP  the partition range (created_at)
--   @actor STRING          '' for any actor
--   @action STRING         '' for any action (override, bulk_override, reset)
--   @processor STRING      '' for any; else writes touching a key of that processor, and the
--                          check service's records of its runs (also those that changed no key)
-- {{audit_columns}}: the audit record's columns and removed_rows_json, in the order of its row schema.
SELECT
  {{audit_columns}}
FROM nba_orchestration.breaker_audit_log
WHERE {{> audit_filters}}
ORDER BY created_at DESC
LIMIT 5000
