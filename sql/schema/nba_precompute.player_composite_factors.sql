-- nba_precompute.player_composite_factors: output table of the
-- player_composite_factors processor (PCF).
--
-- Purpose: player composite factors, the completeness columns only.
--   A cascade processor.
--   The pipeline owns this table and its analytic payload, which is out of the console's
--   scope: in production CREATE TABLE IF NOT EXISTS is a no-op and the console only reads the
--   identifiers and completeness columns declared here.
-- Grain: one row per player (player_lookup) and game_date.
-- Partition: game_date. Cluster: player_lookup, universal_player_id, game_date.
-- No partition expiration is set here: the pipeline owns this table's retention (the
--   original's values varied by table and were later removed).
-- Standard metric columns describe the primary window (L10 games).
CREATE TABLE IF NOT EXISTS nba_precompute.player_composite_factors (
  -- Identifiers, as the original tables name them
  player_lookup STRING NOT NULL,       -- entity: normalized name, e.g. lebronjames
  universal_player_id STRING,          -- stable player id, e.g. lebronjames_001
  game_date DATE NOT NULL,             -- the game's date (partition, the processor's date column)
  game_id STRING,                      -- the game, e.g. 20250120_LAL_BOS
  analysis_date DATE,                  -- the date the factors were computed for
  processed_at TIMESTAMP,              -- when the processor wrote the row
  created_at TIMESTAMP,                -- when the row was first written
  -- The 14 standard completeness columns, identical in all seven tables
  expected_games_count INT64,          -- scheduled final games in the primary window (NULL: not checked)
  actual_games_count INT64,            -- of those, games present upstream for the entity
  completeness_percentage FLOAT64,     -- actual / expected x 100, rounded to 1 dp, never above 100
  missing_games_count INT64,           -- max(0, expected - actual)
  is_production_ready BOOL,            -- every window >= threshold (cascade: and upstreams ready)
  data_quality_issues ARRAY<STRING>,   -- e.g. missing_game_2024-11-05, upstream_*_incomplete
  last_reprocess_attempt_at TIMESTAMP, -- the key's latest attempt in reprocess_attempts
  reprocess_attempt_count INT64,       -- attempts recorded for the key
  circuit_breaker_active BOOL,         -- the key's breaker was tripped and unexpired at write time
  circuit_breaker_until TIMESTAMP,     -- end of that cooldown, NULL when not active
  manual_override_required BOOL,       -- an operator decision is needed for the key
  season_boundary_detected BOOL,       -- the date falls in October, November or April
  backfill_bootstrap_mode BOOL,        -- bootstrap: first 30 days of the season, or a backfill run
  processing_decision_reason STRING    -- what happened, from the documented fixed set
)
PARTITION BY game_date
CLUSTER BY player_lookup, universal_player_id, game_date;
