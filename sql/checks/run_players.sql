-- Purpose: the players a player processor runs for on a date when the run names none: every
--   player who played for a team this season before the date, with his latest team (a trade
--   moves him), and whether that team plays on the date (game-date processors run only for
--   those).
-- Grain: one row per player.
-- Parameters: @season_start DATE, @analysis_date DATE
WITH latest AS (
  SELECT
    player_lookup,
    team_abbr
  FROM nba_analytics.player_game_summary
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND team_abbr IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup ORDER BY game_date DESC, team_abbr) = 1
),
playing AS (
  SELECT home_team_tricode AS team
  FROM nba_raw.nbac_schedule
  WHERE game_date = @analysis_date
  UNION DISTINCT
  SELECT away_team_tricode AS team
  FROM nba_raw.nbac_schedule
  WHERE game_date = @analysis_date
)
SELECT
  l.player_lookup,
  l.team_abbr,
  p.team IS NOT NULL AS plays
FROM latest AS l
LEFT JOIN playing AS p ON p.team = l.team_abbr
ORDER BY l.player_lookup
