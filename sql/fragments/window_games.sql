-- Fragment: the games the completeness windows of a set of teams are measured on, as four CTEs
--   (final_games, team_games, ranked, window_games; the including query starts its WITH or
--   adds a comma before it). Only final games (game_status = 3) strictly before @analysis_date
--   and on or after @season_start; a game listed final twice (a stale row and its rescheduled
--   row) counts once, on its latest date; a team's games are its home AND away games, one per
--   team and date (the highest game_id); games_back numbers a team's games newest first; a game
--   is in the window when it is among the last @max_games or on or after @days_from.
-- Cost: the pipeline runs this thousands of times on the embedded DuckDB, where a window
--   operator has a high fixed cost. A team's two rows per game come from a UNION ALL, not a
--   correlated UNNEST (a join there); the two `QUALIFY ROW_NUMBER() … = 1` dedupes are planned
--   as aggregates by DuckDB; only games_back is a true window, over the wanted teams only.
-- Parameters: {{teams}} — a relation with a `team` column (tricodes): the teams whose games are
--   ranked. Query parameters used: @season_start DATE, @analysis_date DATE, @max_games INT64,
--   @days_from DATE.
-- Returns: window_games (game_id, game_date, team, opponent, games_back), one row per (team, game).
final_games AS (
  SELECT game_id, game_date, home_team_tricode, away_team_tricode
  FROM nba_raw.nbac_schedule
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND game_status = 3
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id ORDER BY game_date DESC) = 1
),
team_games AS (
  SELECT game_id, game_date, team, opponent
  FROM (
    SELECT game_id, game_date, home_team_tricode AS team, away_team_tricode AS opponent FROM final_games
    UNION ALL
    SELECT game_id, game_date, away_team_tricode AS team, home_team_tricode AS opponent FROM final_games
  ) AS g
  WHERE team IN (SELECT team FROM {{teams}})
  QUALIFY ROW_NUMBER() OVER (PARTITION BY team, game_date ORDER BY game_id DESC) = 1
),
ranked AS (
  SELECT
    game_id,
    game_date,
    team,
    opponent,
    ROW_NUMBER() OVER (PARTITION BY team ORDER BY game_date DESC, game_id DESC) AS games_back
  FROM team_games
),
window_games AS (
  SELECT * FROM ranked WHERE games_back <= @max_games OR game_date >= @days_from
)
