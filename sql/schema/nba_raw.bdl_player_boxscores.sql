-- nba_raw.bdl_player_boxscores: Ball Don't Lie player box scores, the completeness upstream of
-- upcoming_player_game_context.
--
-- Purpose: upstream table for live completeness checks. Only the columns completeness needs
--   are declared. The scraper pipeline owns the table: in production CREATE TABLE IF NOT EXISTS
--   is a no-op.
-- Grain: one row per player (player_lookup) and game (game_id).
-- Partition: game_date, with require_partition_filter = true: in BigQuery every query against
--   this table must filter on game_date, or it is rejected.
CREATE TABLE IF NOT EXISTS nba_raw.bdl_player_boxscores (
  game_id STRING NOT NULL,        -- the game, e.g. 20250120_BKN_MIL
  game_date DATE NOT NULL,        -- the game's calendar date (partition)
  season_year INT64,              -- 2024 = the 2024-25 season
  player_lookup STRING NOT NULL,  -- entity: normalized name, e.g. lebronjames
  team_abbr STRING,               -- the player's team in that game
  minutes STRING,                 -- minutes as the source writes them, e.g. "34:12" (text, not a number)
  processed_at TIMESTAMP          -- when the row was loaded
)
PARTITION BY game_date;

-- A separate statement: the offline validator rejects OPTIONS after PARTITION BY (see
-- nba_orchestration.reprocess_attempts.sql). Same effect in BigQuery, and restating the
-- production table's existing setting is a no-op.
ALTER TABLE nba_raw.bdl_player_boxscores SET OPTIONS (require_partition_filter = true);
