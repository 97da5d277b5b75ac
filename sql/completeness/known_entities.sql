-- Purpose: every player_lookup and team tricode seen in a date range, for "did you mean …" when
--   an entity id matches no output row (a typo in the console's search box or the CLI).
-- Grain: one row per entity id.
-- Parameters: @date_from DATE, @date_to DATE (the partitions read: both tables by game_date)
SELECT DISTINCT entity_id
FROM (
  SELECT player_lookup AS entity_id
  FROM nba_analytics.player_game_summary
  WHERE game_date BETWEEN @date_from AND @date_to
  UNION ALL
  SELECT home_team_tricode AS entity_id
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @date_from AND @date_to
  UNION ALL
  SELECT away_team_tricode AS entity_id
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @date_from AND @date_to
) AS ids
ORDER BY entity_id
