-- Purpose: the guard of a token's creation: no token, valid or revoked, has this name yet
--   (a revoked name is never reused, so the audit's token:<name> always means one token).
-- Grain: one row, one BOOL column `ok`.
-- Parameters: @token_name STRING
SELECT COUNT(*) = 0 AS ok
FROM nba_orchestration.api_tokens
WHERE token_name = @token_name
