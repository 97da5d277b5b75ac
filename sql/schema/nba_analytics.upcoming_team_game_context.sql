-- nba_analytics.upcoming_team_game_context: output table of the
-- upcoming_team_game_context processor (UTGC).
--
-- Purpose: upcoming team game context, the completeness columns only.
--   The pipeline owns this table and its analytic payload, which is out of the console's
--   scope: in production CREATE TABLE IF NOT EXISTS is a no-op and the console only reads the
--   identifiers and completeness columns declared here.
-- Grain: one row per team (team_abbr) and game_date. Its breaker entity is the composite
--   key team_abbr_game_date, e.g. LAL_2024-12-15.
-- Partition: game_date. Cluster: game_date, team_abbr, game_id.
-- No partition expiration is set here: the pipeline owns this table's retention (the
--   original's values varied by table and were later removed).
-- Standard metric columns describe the primary window (L14 days).
-- Multi-window: one l<N>[d]_completeness_pct / l<N>[d]_is_complete pair per window, then
--   all_windows_complete (the original tables' exact names).
CREATE TABLE IF NOT EXISTS nba_analytics.upcoming_team_game_context (
  -- Identifiers, as the original tables name them
  team_abbr STRING NOT NULL,           -- entity: NBA tricode, e.g. LAL
  game_id STRING,                      -- the schedule's game id, e.g. 0022400123
  game_date DATE NOT NULL,             -- the game's date (partition)
  season_year INT64,                   -- 2024 = the 2024-25 season
  opponent_team_abbr STRING,           -- the opponent
  home_game BOOL,                      -- TRUE when team_abbr is the home team
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
  processing_decision_reason STRING,   -- what happened, from the documented fixed set
  -- Window columns: l<N>[d]_completeness_pct, l<N>[d]_is_complete, all_windows_complete
  l7d_completeness_pct FLOAT64,        -- L7 days window, percent
  l7d_is_complete BOOL,                -- L7 days window complete
  l14d_completeness_pct FLOAT64,       -- L14 days window, percent
  l14d_is_complete BOOL,               -- L14 days window complete
  all_windows_complete BOOL            -- every window complete
)
PARTITION BY game_date
CLUSTER BY game_date, team_abbr, game_id;
