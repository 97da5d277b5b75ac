-- nba_orchestration.completeness_checks: what the check service answered each processor run.
--
-- Purpose: a processor run asks `POST /api/v1/checks` which of its entities it may process;
--   the answer is kept per entity, so that the run's reported outcomes are recorded against the
--   decision it acted on (not a later re-evaluation), and a retried check (same run_id, same
--   request) gets the same answer without a second evaluation.
-- Grain: one row per (run_id, processor, analysis_date, entity_id). A run may check several
--   dates (a backfill), one call per date.
-- Partition: DATE(checked_at), expiring after 31 days: outcomes are reported minutes after the
--   check, and the attempts they lead to live on in reprocess_attempts. The console looks a run
--   up within 30 days (a partition expires by its date, so 31 keeps every check of the last 30
--   days whole). Cluster: run_id, processor.
--
-- Invariant: the console only INSERTs here, in the check's transaction, guarded so that one
--   (run_id, processor, analysis_date) is checked once.
CREATE TABLE IF NOT EXISTS nba_orchestration.completeness_checks (
  run_id STRING NOT NULL,              -- the processor run's id (the client's idempotency key), also batch_id of its attempt rows
  processor STRING NOT NULL,           -- the console's processor name (canonical)
  analysis_date DATE NOT NULL,         -- the processor's date (analysis_date, cache_date or game_date)
  entity_id STRING NOT NULL,           -- tricode, player_lookup or team-game key
  checked_at TIMESTAMP NOT NULL,       -- when the check decided (UTC instant): attempts it leads to are stamped with it
  actor STRING NOT NULL,               -- who asked (token:<name>)
  request_fingerprint STRING NOT NULL, -- SHA-256 of the request: a run_id names one request
  action STRING NOT NULL,              -- the decision: process, process_no_games_expected, process_bootstrap, skip_breaker_active, skip_incomplete, skip_upstream_not_ready
  skip_reason STRING,                  -- the skip reason a failed attempt records (NULL when processing)
  completeness_pct FLOAT64,            -- the completeness an attempt records for this key (rounded to 0.1)
  counts_as_failure BOOL NOT NULL,     -- skipping it is a failed attempt (incomplete data), not a breaker skip
  result_json STRING NOT NULL          -- the entity's answer exactly as returned (windows, columns, breaker state)
)
PARTITION BY DATE(checked_at)
CLUSTER BY run_id, processor;

-- In separate statements: the offline validator rejects OPTIONS after CLUSTER BY (see
-- nba_orchestration.reprocess_attempts.sql), and accepts one option per statement. Same effect in BigQuery.
ALTER TABLE nba_orchestration.completeness_checks SET OPTIONS (partition_expiration_days = 31);
ALTER TABLE nba_orchestration.completeness_checks SET OPTIONS (description = 'Completeness Console check service: the decision answered per entity of each processor run, kept for its reported outcomes.');
