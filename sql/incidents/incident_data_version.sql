-- Purpose: a cheap fingerprint of everything incidents are computed from — breaker rows,
--   upstream box scores and the schedule, the processors' output rows. While it is unchanged the
--   incidents computed before are still right, and are reused instead of recomputed.
-- Grain: one row per source: its row count and latest write instant in the ranges read (a
--   reset deletes rows: the count changes even when no instant does).
-- Parameters:
--   @date_from DATE, @date_to DATE   analysis dates of breaker keys and output rows
--   @games_from DATE                 game dates of upstream rows (windows reach further back)
-- {{processor_outputs}}: the registry-generated union of the output tables.
WITH outputs AS (
{{processor_outputs}}
)
SELECT 'reprocess_attempts' AS source, COUNT(*) AS row_count, MAX(GREATEST(attempted_at, IFNULL(created_at, attempted_at))) AS last_at
FROM nba_orchestration.reprocess_attempts
WHERE analysis_date BETWEEN @date_from AND @date_to
UNION ALL
SELECT 'outputs' AS source, COUNT(*) AS row_count, MAX(processed_at) AS last_at
FROM outputs
UNION ALL
SELECT 'player_game_summary' AS source, COUNT(*) AS row_count, MAX(processed_at) AS last_at
FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN @games_from AND @date_to
UNION ALL
SELECT 'bdl_player_boxscores' AS source, COUNT(*) AS row_count, MAX(processed_at) AS last_at
FROM nba_raw.bdl_player_boxscores
WHERE game_date BETWEEN @games_from AND @date_to
UNION ALL
SELECT 'team_defense_game_summary' AS source, COUNT(*) AS row_count, MAX(processed_at) AS last_at
FROM nba_analytics.team_defense_game_summary
WHERE game_date BETWEEN @games_from AND @date_to
UNION ALL
-- COALESCE: DuckDB's COUNTIF over no rows is NULL where BigQuery's is 0 (an empty schedule range).
SELECT 'nbac_schedule' AS source, COALESCE(COUNTIF(game_status = 3), 0) AS row_count, CAST(NULL AS TIMESTAMP) AS last_at
FROM nba_raw.nbac_schedule
WHERE game_date BETWEEN @games_from AND @date_to
