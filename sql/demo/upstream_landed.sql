-- Purpose: how far each simulated upstream table of the demo database has landed: the latest
--   processed_at among its rows. The demo writes an upstream table as "every simulated row whose
--   processed_at has passed", so the rows still to land are exactly those stamped later.
-- Grain: one row per upstream table (landed_through NULL when it holds no row of the range).
-- Parameters: @date_from DATE, @date_to DATE  the season's game dates (partition filter)
SELECT 'nba_analytics.player_game_summary' AS table_name, MAX(processed_at) AS landed_through
FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN @date_from AND @date_to
UNION ALL
SELECT 'nba_analytics.team_defense_game_summary' AS table_name, MAX(processed_at) AS landed_through
FROM nba_analytics.team_defense_game_summary
WHERE game_date BETWEEN @date_from AND @date_to
UNION ALL
SELECT 'nba_raw.bdl_player_boxscores' AS table_name, MAX(processed_at) AS landed_through
FROM nba_raw.bdl_player_boxscores
WHERE game_date BETWEEN @date_from AND @date_to
