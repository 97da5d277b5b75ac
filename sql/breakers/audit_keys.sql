-- Purpose: a stretch of one audit record's keys_json (the JSON array of the keys it changed,
--   before → after), so the keys of a write of thousands of keys are read a piece at a time:
--   the record's keys page and the audit's CSV export parse the pieces in order.
-- Grain: one row (none for an unknown id): @chars characters of keys_json from character @from_char (1-based).
-- Parameters:
--   @audit_id STRING       the record
--   @created_from TIMESTAMP, @created_to TIMESTAMP  the partition range: the day of the record's created_at
--   @from_char INT64       the first character of the piece (1-based)
--   @chars INT64           the piece's length in characters
SELECT
  SUBSTR(keys_json, @from_char, @chars) AS piece
FROM nba_orchestration.breaker_audit_log
WHERE audit_id = @audit_id
  AND created_at >= @created_from
  AND created_at < @created_to
