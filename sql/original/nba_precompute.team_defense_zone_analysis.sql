-- nba_precompute.team_defense_zone_analysis: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/precompute/team_defense_zone_analysis.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_precompute.team_defense_zone_analysis (
  team_abbr STRING NOT NULL,
  analysis_date DATE NOT NULL,
  paint_pct_allowed_last_15 NUMERIC(5, 3),
  paint_attempts_allowed_per_game NUMERIC(5, 1),
  paint_points_allowed_per_game NUMERIC(5, 1),
  paint_blocks_per_game NUMERIC(4, 1),
  paint_defense_vs_league_avg NUMERIC(5, 2),
  mid_range_pct_allowed_last_15 NUMERIC(5, 3),
  mid_range_attempts_allowed_per_game NUMERIC(5, 1),
  mid_range_blocks_per_game NUMERIC(4, 1),
  mid_range_defense_vs_league_avg NUMERIC(5, 2),
  three_pt_pct_allowed_last_15 NUMERIC(5, 3),
  three_pt_attempts_allowed_per_game NUMERIC(5, 1),
  three_pt_blocks_per_game NUMERIC(4, 1),
  three_pt_defense_vs_league_avg NUMERIC(5, 2),
  defensive_rating_last_15 NUMERIC(6, 2),
  opponent_points_per_game NUMERIC(5, 1),
  opponent_pace NUMERIC(5, 1),
  games_in_sample INT64,
  strongest_zone STRING,
  weakest_zone STRING,
  data_quality_tier STRING,
  calculation_notes STRING,
  source_team_defense_last_updated TIMESTAMP,
  source_team_defense_rows_found INT64,
  source_team_defense_completeness_pct NUMERIC(5, 2),
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
  processed_at TIMESTAMP NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP()
)
PARTITION BY analysis_date
CLUSTER BY team_abbr, analysis_date;

ALTER TABLE nba_precompute.team_defense_zone_analysis SET OPTIONS (partition_expiration_days = 90);
