-- nba_orchestration.breaker_audit_log: the append-only audit of the console's breaker writes
-- (nobody can edit it from the console).
--
-- Purpose: one record per successful override, bulk override, reset or restore, with who, the
--   role used, why, and every key affected with its state before and after. A reset also keeps
--   the rows it deleted, exactly, so that an admin can restore them (once, within 30 days).
-- Grain: one row per write request (request_id). A bulk override is one row covering all of
--   its keys (key_count, keys_json).
-- Partition: DATE(created_at), no expiration (audit records are kept). Cluster: action, actor.
--
-- Invariant: the console only ever INSERTs here. No code path updates or deletes rows.
CREATE TABLE IF NOT EXISTS nba_orchestration.breaker_audit_log (
  audit_id STRING NOT NULL,     -- unique id of this audit record
  action STRING NOT NULL,       -- override | bulk_override | reset | restore | pipeline_outcomes | pipeline_check
  actor STRING NOT NULL,        -- who made the request (operator login)
  actor_role STRING NOT NULL,   -- the role used for it (operator, admin)
  request_id STRING NOT NULL,   -- idempotency key of the request, the same as on the reprocess_attempts rows it wrote
  reason_code STRING,           -- reason from the fixed set, when one was given
  reason STRING NOT NULL,       -- the operator's free-text reason (required for every write)
  key_count INT64 NOT NULL,     -- number of breaker keys the write affected
  keys_json STRING NOT NULL,    -- JSON array of the keys with their before -> after state
  created_at TIMESTAMP NOT NULL, -- when the write was applied (UTC instant)
  request_fingerprint STRING,   -- SHA-256 of actor, action and normalized body: the request this request_id names
  removed_rows_json STRING,     -- reset only: every reprocess_attempts row it deleted, every column as stored (JSON array)
  restores_audit_id STRING      -- restore only: the audit_id of the reset whose rows it put back
)
PARTITION BY DATE(created_at)
CLUSTER BY action, actor;

-- request_fingerprint on a table created before it existed (NULL on those older rows: a request id
-- found there is matched on actor and action only).
ALTER TABLE nba_orchestration.breaker_audit_log ADD COLUMN IF NOT EXISTS request_fingerprint STRING;

-- removed_rows_json: the rows a reset deleted, as key_rows.sql reads them (timestamps with their
-- stored microseconds), so a restore re-inserts them unchanged. NULL on other actions and on
-- resets recorded before it existed (those cannot be restored).
ALTER TABLE nba_orchestration.breaker_audit_log ADD COLUMN IF NOT EXISTS removed_rows_json STRING;

-- restores_audit_id: on a restore's record, the reset it undid. A reset with such a record is
-- restored and cannot be restored again.
ALTER TABLE nba_orchestration.breaker_audit_log ADD COLUMN IF NOT EXISTS restores_audit_id STRING;

-- In a separate statement: the offline validator rejects OPTIONS after CLUSTER BY (see
-- nba_orchestration.reprocess_attempts.sql). Same effect in BigQuery.
ALTER TABLE nba_orchestration.breaker_audit_log SET OPTIONS (description = 'Append-only audit of Completeness Console breaker writes (override, bulk_override, reset, restore): who, role, why, and each key with its before and after state.');
