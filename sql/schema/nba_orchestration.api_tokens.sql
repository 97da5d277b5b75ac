-- nba_orchestration.api_tokens: API tokens for non-browser clients (the CLI, automation).
--
-- Purpose: who may call the console's JSON API without a browser session, with which role.
-- Grain: one row per token (token_name is unique among tokens; a revoked name is not reused).
-- Secrets: only the SHA-256 of each token is stored; the token itself is shown once, to the
--   admin who created it, and never again.
-- Partition: none — a few dozen rows at most, always read whole or by hash (a partition filter
--   could not help a lookup by hash). Cluster: token_sha256 (every API request looks one up).
--
-- Invariant: rows are INSERTed on creation and UPDATEd once, to set revoked_at/revoked_by
--   (the one UPDATE the console makes: a token's validity is a property of its row).
CREATE TABLE IF NOT EXISTS nba_orchestration.api_tokens (
  token_name STRING NOT NULL,   -- the name the audit records as the actor (as token:<name>)
  role STRING NOT NULL,         -- viewer | operator | admin | pipeline
  token_sha256 STRING NOT NULL, -- hex SHA-256 of the token
  created_by STRING NOT NULL,   -- the admin who created it
  created_at TIMESTAMP NOT NULL, -- when it was created (UTC instant)
  revoked_by STRING,            -- the admin who revoked it, once revoked
  revoked_at TIMESTAMP,         -- when it was revoked; NULL while it is valid
  processor STRING              -- pipeline tokens: the one processor it may check for; NULL = any
)
CLUSTER BY token_sha256;

-- processor on a table created before it existed (NULL there: those tokens were never pipeline tokens).
ALTER TABLE nba_orchestration.api_tokens ADD COLUMN IF NOT EXISTS processor STRING;

-- In a separate statement: the offline validator rejects OPTIONS after CLUSTER BY (see
-- nba_orchestration.reprocess_attempts.sql). Same effect in BigQuery.
ALTER TABLE nba_orchestration.api_tokens SET OPTIONS (description = 'Completeness Console API tokens: name, role and SHA-256 hash only; revoked tokens are kept with revoked_at set.');
