-- nba_predictions.ml_feature_store_v2: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/predictions/04_ml_feature_store_v2.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_predictions.ml_feature_store_v2 (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  features ARRAY<FLOAT64>,
  feature_names ARRAY<STRING>,
  feature_count INT64 NOT NULL,
  feature_version STRING NOT NULL,
  feature_generation_time_ms INT64,
  feature_quality_score NUMERIC(5, 2),
  opponent_team_abbr STRING,
  is_home BOOLEAN,
  days_rest INT64,
  data_source STRING NOT NULL,
  source_daily_cache_last_updated TIMESTAMP,
  source_daily_cache_rows_found INT64,
  source_daily_cache_completeness_pct NUMERIC(5, 2),
  source_daily_cache_hash STRING,
  source_composite_last_updated TIMESTAMP,
  source_composite_rows_found INT64,
  source_composite_completeness_pct NUMERIC(5, 2),
  source_composite_hash STRING,
  source_shot_zones_last_updated TIMESTAMP,
  source_shot_zones_rows_found INT64,
  source_shot_zones_completeness_pct NUMERIC(5, 2),
  source_shot_zones_hash STRING,
  source_team_defense_last_updated TIMESTAMP,
  source_team_defense_rows_found INT64,
  source_team_defense_completeness_pct NUMERIC(5, 2),
  source_team_defense_hash STRING,
  early_season_flag BOOLEAN,
  insufficient_data_reason STRING,
  expected_games_count INT64,
  actual_games_count INT64,
  completeness_percentage FLOAT64,
  missing_games_count INT64,
  is_production_ready BOOLEAN,
  data_quality_issues ARRAY<STRING>,
  last_reprocess_attempt_at TIMESTAMP,
  reprocess_attempt_count INT64,
  circuit_breaker_active BOOLEAN,
  circuit_breaker_until TIMESTAMP,
  manual_override_required BOOLEAN,
  season_boundary_detected BOOLEAN,
  backfill_bootstrap_mode BOOLEAN,
  processing_decision_reason STRING,
  data_hash STRING,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP(),
  updated_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, feature_version, game_date;

ALTER TABLE nba_predictions.ml_feature_store_v2 SET OPTIONS (partition_expiration_days = 365);
