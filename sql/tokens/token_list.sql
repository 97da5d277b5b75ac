-- Purpose: every token ever created, newest first, for the admins' list (never the hashes).
-- Grain: one row per token.
-- Parameters: none.
SELECT token_name, role, processor, created_by, created_at, revoked_by, revoked_at
FROM nba_orchestration.api_tokens
ORDER BY created_at DESC, token_name
