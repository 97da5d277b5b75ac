-- Purpose: the teams a team processor runs for on a date when the run names none: every team
--   on the season's schedule, and whether it plays that date (team-game processors run only
--   for those).
-- Grain: one row per team.
-- Parameters: @season_start DATE, @season_end DATE (the season's schedule partitions),
--   @analysis_date DATE
SELECT
  team,
  COUNTIF(game_date = @analysis_date) > 0 AS plays
FROM (
  SELECT home_team_tricode AS team, game_date
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @season_start AND @season_end
  UNION ALL
  SELECT away_team_tricode AS team, game_date
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @season_start AND @season_end
) AS games
GROUP BY team
ORDER BY team
