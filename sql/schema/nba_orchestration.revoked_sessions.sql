-- nba_orchestration.revoked_sessions: browser sessions ended by sign-out, for every replica.
--
-- Purpose: a session is a signed cookie that stays valid until it expires; signing out deletes
--   the browser's copy, not a copy taken before. Sign-out records the session's id here, and
--   every replica refuses an id found here (lib/auth/revocation.ts), also after a restart.
-- Grain: one row per sign-out (session_id; a second sign-out of one session adds a harmless
--   duplicate, reads take DISTINCT).
-- Partition: DATE(expires_at), expiring after 2 days: a row is useless once its session could no
--   longer be presented anyway, and reads filter on expires_at > @now. Cluster: session_id.
--
-- Invariant: the console only INSERTs here; expired rows leave with their partition.
CREATE TABLE IF NOT EXISTS nba_orchestration.revoked_sessions (
  session_id STRING NOT NULL,    -- the session's id (`sid` in its token, random per sign-in)
  user_name STRING NOT NULL,     -- who signed out (the session's name), for the logs and an admin's eye
  revoked_at TIMESTAMP NOT NULL, -- when the sign-out happened (UTC instant)
  expires_at TIMESTAMP NOT NULL  -- the session's latest possible end (sign-in + 8 hours): after it the row is moot
)
PARTITION BY DATE(expires_at)
CLUSTER BY session_id;

-- In separate statements: the offline validator rejects OPTIONS after CLUSTER BY (see
-- nba_orchestration.reprocess_attempts.sql), and accepts one option per statement. Same effect in BigQuery.
ALTER TABLE nba_orchestration.revoked_sessions SET OPTIONS (partition_expiration_days = 2);
ALTER TABLE nba_orchestration.revoked_sessions SET OPTIONS (description = 'Completeness Console sign-outs: session ids refused by every replica until the session would have expired anyway.');
