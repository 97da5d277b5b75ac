-- nba_orchestration.reprocess_attempts: the circuit-breaker table.
--
-- Purpose: every recorded event for a breaker key (processor_name, entity_id, analysis_date).
--   Processors append failed attempts, and the console appends overrides, resets,
--   recoveries and successes. The breaker state of a key is derived from its rows in attempt
--   order ("writes append, reads decide latest wins"). Rows are never updated in place.
-- Grain: one row per event per key. The logical key (processor_name, entity_id,
--   analysis_date, attempt_number) is not enforced by BigQuery: readers must tolerate
--   duplicates written by concurrent runs.
-- Partition: analysis_date (column partition, so there is no _PARTITIONTIME), 365-day
--   partition expiration. Cluster: processor_name, entity_id, analysis_date.
--
-- Compatibility invariant: the first 12 columns are exactly the original table's (names, types,
-- NOT NULL, default), so an existing deployment adopts the console without a migration:
-- CREATE TABLE IF NOT EXISTS is a no-op there, and the console's columns are added below as
-- NULLABLE columns (existing rows stay valid, and BigQuery can only add nullable columns).
CREATE TABLE IF NOT EXISTS nba_orchestration.reprocess_attempts (
  processor_name STRING NOT NULL,          -- canonical processor name (old rows may hold aliases such as ml_feature_store_v2)
  entity_id STRING NOT NULL,               -- team tricode (LAL), player_lookup (lebronjames) or team-game key (LAL_2024-12-15)
  analysis_date DATE NOT NULL,             -- the date being processed, and the partition key
  attempt_number INT64 NOT NULL,           -- 1, 2, 3... per key (the original's reset rows use 0, restarting the count)
  attempted_at TIMESTAMP NOT NULL,         -- when the attempt or event happened (UTC instant)
  completeness_pct FLOAT64,                -- completeness at attempt time, 0.0-100.0
  skip_reason STRING,                      -- why processing was skipped (incomplete_upstream_data, ...). NULL: not a skip
  circuit_breaker_tripped BOOLEAN NOT NULL, -- TRUE when this row trips the breaker
  circuit_breaker_until TIMESTAMP,         -- end of the cooldown (tripping attempt + 7 days). NULL when not tripped
  manual_override_applied BOOLEAN,         -- TRUE on operator rows (override, reset). FALSE or NULL on processor rows
  notes STRING,                            -- free text, kept human-readable
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP()  -- row creation time, set by the warehouse
)
PARTITION BY analysis_date
CLUSTER BY processor_name, entity_id, analysis_date;

-- Table options live in separate ALTER TABLE ... SET OPTIONS statements, one option each,
-- instead of an OPTIONS(...) clause on the CREATE. Same effect in BigQuery, but the offline
-- validator (@polyglot-sql/sdk 0.12) rejects OPTIONS after PARTITION BY/CLUSTER BY, and
-- rejects SET OPTIONS with more than one option (it reads the comma as a new ALTER action).
-- Restating them on every apply is idempotent: they equal the original table's options.
ALTER TABLE nba_orchestration.reprocess_attempts SET OPTIONS (partition_expiration_days = 365);

ALTER TABLE nba_orchestration.reprocess_attempts SET OPTIONS (description = 'Tracks reprocessing attempts per entity for circuit breaker pattern. Prevents reprocessing oscillation by limiting max attempts to 3, with 7-day cooldown period. Updated on-demand during processor runs.');

-- The console's additions. All NULLABLE: rows written before the console (and by processors
-- that do not set them) stay valid, and readers treat NULL as "not recorded".

-- event_type: failure | trip | success | recovery | override | reset, the event this row
-- records. The original told events apart only by flags and the notes text (an override was an
-- UPDATE of a flag nothing read), so history could not show overrides or recoveries reliably.
-- NULL on legacy rows: readers derive the event from skip_reason and circuit_breaker_tripped.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS event_type STRING;

-- actor: who acted (operator login, or the pipeline's name for processor rows). The original
-- only embedded `whoami` inside notes.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS actor STRING;

-- actor_role: the role the actor held when writing (operator, admin), so the history shows
-- the authority a write used even after roles change.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS actor_role STRING;

-- reason_code: a reason from a fixed set, for filtering and charts. The free-text reason stays
-- in notes.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS reason_code STRING;

-- request_id: the idempotency key of the write that produced the row. A retried or
-- double-clicked request finds its own row and changes state once.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS request_id STRING;

-- override_expires_at: written by nothing (NULL on every row the console writes) and read by no
-- rule: an override does not expire at an instant. A reset keeps the value as stored and a
-- restore writes it back unchanged.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS override_expires_at TIMESTAMP;

-- rows_removed: reset rows only, how many attempt rows the reset deleted. The original wrote
-- this count only into the notes text.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS rows_removed INT64;

-- batch_id: bulk override rows only. Every row of one confirmed preview shares it, so the set
-- applied together can be listed and audited as a unit.
ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS batch_id STRING;
