-- nba_raw.nbac_schedule: the NBA.com schedule, the source of "expected" games.
--
-- Purpose: upstream table for live completeness checks. Only the columns completeness needs
--   are declared. The scraper pipeline owns the table: in production CREATE TABLE IF NOT EXISTS
--   is a no-op.
-- Grain: one row per scheduled game (game_id).
-- Partition: game_date, with require_partition_filter = true: in BigQuery every query against
--   this table must filter on game_date, or it is rejected. Queries therefore always bound the
--   dates they read.
CREATE TABLE IF NOT EXISTS nba_raw.nbac_schedule (
  game_id STRING NOT NULL,            -- NBA.com game id, e.g. 0022400123
  game_date DATE NOT NULL,            -- the game's calendar date (partition)
  season_year INT64,                  -- 2024 = the 2024-25 season (Oct-Dec in that year, Jan-Sep the year before)
  game_status INT64,                  -- 1 scheduled, 2 in progress, 3 final. Only final games are expected
  home_team_tricode STRING NOT NULL,  -- home team, e.g. LAL. A team's games are its home AND away games
  away_team_tricode STRING NOT NULL   -- away team, e.g. BOS
)
PARTITION BY game_date;

-- A separate statement: the offline validator rejects OPTIONS after PARTITION BY (see
-- nba_orchestration.reprocess_attempts.sql). Same effect in BigQuery, and restating the
-- production table's existing setting is a no-op.
ALTER TABLE nba_raw.nbac_schedule SET OPTIONS (require_partition_filter = true);
