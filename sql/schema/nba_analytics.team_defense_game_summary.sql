-- nba_analytics.team_defense_game_summary: one team's defensive box score per game, the
-- completeness upstream of team_defense_zone_analysis.
--
-- Purpose: upstream table for live completeness checks. Only the columns completeness needs
--   are declared. The analytics pipeline owns the table: in production CREATE TABLE IF NOT
--   EXISTS is a no-op.
-- Grain: one row per defending team (defending_team_abbr) and game (game_id). A team has a row
--   for its home and its away games.
-- Partition: game_date (the live checks always filter on it).
CREATE TABLE IF NOT EXISTS nba_analytics.team_defense_game_summary (
  game_id STRING NOT NULL,              -- the game, e.g. 20250120_BKN_MIL (YYYYMMDD_AWAY_HOME)
  game_date DATE NOT NULL,              -- the game's calendar date (partition)
  season_year INT64,                    -- 2024 = the 2024-25 season
  defending_team_abbr STRING NOT NULL,  -- entity: the team whose defense the row describes
  opponent_team_abbr STRING,            -- the team it defended against
  processed_at TIMESTAMP                -- when the row was written
)
PARTITION BY game_date;
