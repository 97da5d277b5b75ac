-- nba_analytics.player_game_summary: one player's box score per game, the completeness upstream
-- of the player processors.
--
-- Purpose: upstream table for live completeness checks. Only the columns completeness needs
--   are declared. The analytics pipeline owns the table: in production CREATE TABLE IF NOT
--   EXISTS is a no-op.
-- Grain: one row per player (player_lookup) and game (game_id). A player who did not play
--   (DNP, inactive) has no row: completeness then looks at the team's games.
-- Partition: game_date (the live checks always filter on it).
CREATE TABLE IF NOT EXISTS nba_analytics.player_game_summary (
  game_id STRING NOT NULL,        -- the game, e.g. 20250120_BKN_MIL (YYYYMMDD_AWAY_HOME)
  game_date DATE NOT NULL,        -- the game's calendar date (partition)
  season_year INT64,              -- 2024 = the 2024-25 season
  player_lookup STRING NOT NULL,  -- entity: normalized name, e.g. lebronjames
  universal_player_id STRING,     -- stable player id, e.g. lebronjames_001
  team_abbr STRING,               -- the player's team in that game (a player's team follows trades)
  opponent_team_abbr STRING,      -- the opponent in that game
  minutes_played NUMERIC(5,1),    -- minutes played, one decimal
  processed_at TIMESTAMP          -- when the row was written
)
PARTITION BY game_date;
