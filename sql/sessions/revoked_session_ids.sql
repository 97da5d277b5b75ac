-- Purpose: the ids of signed-out sessions that could still be presented at @now: what every
--   replica refuses (read whole and cached for a few seconds per process, not per request).
-- Grain: one row per revoked session id.
-- Parameters: @now TIMESTAMP (the instant the list is for; also the partition filter)
SELECT DISTINCT session_id
FROM nba_orchestration.revoked_sessions
WHERE expires_at > @now
