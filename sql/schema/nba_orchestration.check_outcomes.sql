-- nba_orchestration.check_outcomes: what each processor run reported it did with its entities.
--
-- Purpose: `POST /api/v1/checks/{run_id}/outcomes` records, per entity, processed / failed /
--   skipped, and the attempt row it led to in reprocess_attempts (if any), in the same
--   transaction. A retried report finds its entities here and writes nothing twice.
-- Grain: one row per (run_id, processor, analysis_date, entity_id).
-- Partition: DATE(reported_at), no expiration (the record of what the pipeline said it did).
--   Cluster: run_id, processor.
--
-- Invariant: the console only INSERTs here, guarded so that an entity of a run is reported once.
CREATE TABLE IF NOT EXISTS nba_orchestration.check_outcomes (
  run_id STRING NOT NULL,        -- the processor run's id
  processor STRING NOT NULL,     -- the console's processor name (canonical)
  analysis_date DATE NOT NULL,   -- the processor's date
  entity_id STRING NOT NULL,     -- the entity reported on
  outcome STRING NOT NULL,       -- processed | failed | skipped
  reason STRING,                 -- a failure's reason code (e.g. PROCESSING_ERROR); NULL otherwise
  reported_at TIMESTAMP NOT NULL, -- when the report was recorded (UTC instant)
  actor STRING NOT NULL,         -- who reported (token:<name>)
  event_type STRING,             -- the reprocess_attempts row it led to: failure, trip, success, recovery; NULL: none
  attempt_number INT64,          -- that row's attempt_number
  circuit_breaker_until TIMESTAMP -- that row's cooldown end, when it tripped
)
PARTITION BY DATE(reported_at)
CLUSTER BY run_id, processor;

-- In a separate statement: the offline validator rejects OPTIONS after CLUSTER BY (see
-- nba_orchestration.reprocess_attempts.sql). Same effect in BigQuery.
ALTER TABLE nba_orchestration.check_outcomes SET OPTIONS (description = 'Completeness Console check service: per entity of a processor run, the outcome the run reported and the attempt row it led to.');
