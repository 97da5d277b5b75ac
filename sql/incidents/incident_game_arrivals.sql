-- Purpose: for every final game of a date range and each of its two teams, whether and when
--   that team's rows of the game arrived in each box-score table. Tells, for any instant, which
--   game dates had EVERY final game missing from a table (an outage) — a key's own window
--   holds only its team's games, so this cannot come from the window reads.
-- Grain: one row per (final game, team): 2 per game. Final games as the window queries take
--   them (game_status = 3, a game listed final twice counts once on its latest date, one game
--   per team and date).
-- Arrival: <table>_present — any row of the team for that game date; <table>_arrived_at — the
--   earliest processed_at of those rows (NULL when absent, or when no row recorded its load
--   time: there since before anyone recorded it). Matched by TEAM AND GAME DATE, never by
--   game_id (the schedule holds NBA.com ids, the box-score tables YYYYMMDD_AWAY_HOME).
-- Parameters:
--   @date_from DATE, @date_to DATE   game dates (partition filter on every table)
--   @now TIMESTAMP                   rows that had arrived by then
WITH final_games AS (
  SELECT game_id, game_date, home_team_tricode, away_team_tricode
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @date_from AND @date_to
    AND game_status = 3
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id ORDER BY game_date DESC) = 1
),
team_games AS (
  SELECT s.game_id, s.game_date, team
  FROM final_games AS s, UNNEST([s.home_team_tricode, s.away_team_tricode]) AS team
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY team, s.game_date ORDER BY s.game_id DESC) = 1
),
pgs AS (
{{> team_rows_arrived table=nba_analytics.player_game_summary team=team_abbr}}
),
bdl AS (
{{> team_rows_arrived table=nba_raw.bdl_player_boxscores team=team_abbr}}
),
tdgs AS (
{{> team_rows_arrived table=nba_analytics.team_defense_game_summary team=defending_team_abbr}}
)
SELECT
  t.game_id,
  t.game_date,
  t.team,
  p.team IS NOT NULL AS pgs_present,
  p.arrived_at AS pgs_arrived_at,
  b.team IS NOT NULL AS bdl_present,
  b.arrived_at AS bdl_arrived_at,
  d.team IS NOT NULL AS tdgs_present,
  d.arrived_at AS tdgs_arrived_at
FROM team_games AS t
LEFT JOIN pgs AS p ON p.team = t.team AND p.game_date = t.game_date
LEFT JOIN bdl AS b ON b.team = t.team AND b.game_date = t.game_date
LEFT JOIN tdgs AS d ON d.team = t.team AND d.game_date = t.game_date
ORDER BY t.game_date, t.game_id, t.team
