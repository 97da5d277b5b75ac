-- nba_precompute.player_shot_zone_analysis: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/precompute/player_shot_zone_analysis.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_precompute.player_shot_zone_analysis (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  analysis_date DATE NOT NULL,
  paint_rate_last_10 NUMERIC(5, 2),
  mid_range_rate_last_10 NUMERIC(5, 2),
  three_pt_rate_last_10 NUMERIC(5, 2),
  total_shots_last_10 INT64,
  games_in_sample_10 INT64,
  sample_quality_10 STRING,
  paint_pct_last_10 NUMERIC(5, 3),
  mid_range_pct_last_10 NUMERIC(5, 3),
  three_pt_pct_last_10 NUMERIC(5, 3),
  paint_attempts_per_game NUMERIC(4, 1),
  mid_range_attempts_per_game NUMERIC(4, 1),
  three_pt_attempts_per_game NUMERIC(4, 1),
  paint_rate_last_20 NUMERIC(5, 2),
  paint_pct_last_20 NUMERIC(5, 3),
  games_in_sample_20 INT64,
  sample_quality_20 STRING,
  assisted_rate_last_10 NUMERIC(5, 2),
  unassisted_rate_last_10 NUMERIC(5, 2),
  player_position STRING,
  primary_scoring_zone STRING,
  data_quality_tier STRING,
  calculation_notes STRING,
  source_player_game_last_updated TIMESTAMP,
  source_player_game_rows_found INT64,
  source_player_game_completeness_pct NUMERIC(5, 2),
  source_player_game_hash STRING,
  data_hash STRING,
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
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
  processed_at TIMESTAMP
)
PARTITION BY analysis_date
CLUSTER BY player_lookup, universal_player_id, analysis_date;

ALTER TABLE nba_precompute.player_shot_zone_analysis SET OPTIONS (partition_expiration_days = 90);
