-- Purpose: the valid (not revoked) token with this hash: who an API request is.
-- Grain: zero or one row (hashes of 256-bit random tokens do not collide).
-- Parameters: @token_sha256 STRING (hex SHA-256 of the presented token)
-- No partition filter: the table is unpartitioned and tiny (see schema/nba_orchestration.api_tokens.sql).
SELECT token_name, role, processor
FROM nba_orchestration.api_tokens
WHERE token_sha256 = @token_sha256
  AND revoked_at IS NULL
LIMIT 1
