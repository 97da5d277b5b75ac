-- nba_orchestration.reprocess_attempts: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/orchestration/reprocess_attempts.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_orchestration.reprocess_attempts (
  processor_name STRING NOT NULL,
  entity_id STRING NOT NULL,
  analysis_date DATE NOT NULL,
  attempt_number INT64 NOT NULL,
  attempted_at TIMESTAMP NOT NULL,
  completeness_pct FLOAT64,
  skip_reason STRING,
  circuit_breaker_tripped BOOLEAN NOT NULL,
  circuit_breaker_until TIMESTAMP,
  manual_override_applied BOOLEAN,
  notes STRING,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP()
)
PARTITION BY analysis_date
CLUSTER BY processor_name, entity_id, analysis_date;

ALTER TABLE nba_orchestration.reprocess_attempts SET OPTIONS (partition_expiration_days = 365);
