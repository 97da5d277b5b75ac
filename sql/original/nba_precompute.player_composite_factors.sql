-- nba_precompute.player_composite_factors: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/precompute/player_composite_factors.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_precompute.player_composite_factors (
  player_lookup STRING NOT NULL,
  universal_player_id STRING,
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  analysis_date DATE,
  fatigue_score INT64,
  shot_zone_mismatch_score NUMERIC(4, 1),
  pace_score NUMERIC(3, 1),
  usage_spike_score NUMERIC(3, 1),
  referee_favorability_score NUMERIC(3, 1),
  look_ahead_pressure_score NUMERIC(3, 1),
  travel_impact_score NUMERIC(3, 1),
  opponent_strength_score NUMERIC(3, 1),
  total_composite_adjustment NUMERIC(5, 2),
  fatigue_context_json STRING,
  shot_zone_context_json STRING,
  pace_context_json STRING,
  usage_context_json STRING,
  calculation_version STRING,
  data_completeness_pct NUMERIC(5, 2),
  missing_data_fields STRING,
  has_warnings BOOLEAN,
  warning_details STRING,
  source_player_context_last_updated TIMESTAMP,
  source_player_context_rows_found INT64,
  source_player_context_completeness_pct NUMERIC(5, 2),
  source_team_context_last_updated TIMESTAMP,
  source_team_context_rows_found INT64,
  source_team_context_completeness_pct NUMERIC(5, 2),
  source_player_shot_last_updated TIMESTAMP,
  source_player_shot_rows_found INT64,
  source_player_shot_completeness_pct NUMERIC(5, 2),
  source_team_defense_last_updated TIMESTAMP,
  source_team_defense_rows_found INT64,
  source_team_defense_completeness_pct NUMERIC(5, 2),
  source_player_context_hash STRING,
  source_team_context_hash STRING,
  source_player_shot_hash STRING,
  source_team_defense_hash STRING,
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
PARTITION BY game_date
CLUSTER BY player_lookup, universal_player_id, game_date;

ALTER TABLE nba_precompute.player_composite_factors SET OPTIONS (partition_expiration_days = 90);
