-- Purpose: revoke a token: from now on its hash no longer authenticates anything.
-- Grain: updates zero or one row (zero when unknown or already revoked).
-- Parameters: @token_name STRING, @revoked_by STRING, @revoked_at TIMESTAMP
UPDATE nba_orchestration.api_tokens
SET revoked_at = @revoked_at, revoked_by = @revoked_by
WHERE token_name = @token_name
  AND revoked_at IS NULL
