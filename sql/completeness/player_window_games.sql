-- Purpose: the games each player's completeness windows are measured on, and what the upstream
--   holds for each. The engine counts every window from these rows (lib/completeness/windows.ts),
--   so one query serves all windows and all players of a run.
-- Grain: one row per (player, game): the last @max_games final games of the player's current
--   team strictly before @analysis_date, plus every final game on or after @days_from, never
--   before @season_start. A player with no game this season before the date has no rows
--   (no games expected).
-- Rules: a player's team is the team of their most recent game before the date (trades; the
--   latest row by game_date, then game_id; a latest row without a team leaves the player without
--   rows); a team's games are its home and away games; only final games (game_status = 3) are
--   expected, so postponed (PPD) or unfinished games never count, and a stale scheduled row
--   beside a game's final row is ignored. A final game counts once per team and date (a team
--   plays at most once a day; the schedule appended rows, so a game may be listed final twice).
-- Joins: upstream rows are matched to schedule games by TEAM AND GAME DATE, never by game_id:
--   the schedule holds NBA.com ids (0022400123), the box-score tables YYYYMMDD_AWAY_HOME
--   (20241215_BOS_LAL). game_id in the result is the schedule's.
-- Presence: entity_row_present — the player's own row for his team's game that date;
--   team_box_present — any row of the team that date; played_per_raw — the raw box score shows
--   the player with minutes for that team that date. A game the team has a box score for and
--   the raw box score shows the player not playing (DNP, inactive, not yet on the roster) is
--   not a data gap. A row whose processed_at is NULL (nullable in player_game_summary) counts
--   as arrived: it is there, only its load time was not recorded.
-- Arrival: entity_row_arrived_at, team_box_arrived_at, played_arrived_at — the earliest
--   processed_at of the rows behind each flag (NULL when the flag is FALSE, or when every such
--   row has a NULL processed_at: there since before anyone recorded it). A flag's value at an
--   earlier instant t is "present and (arrived_at NULL or arrived_at <= t)", so one read at
--   `now` also tells what a check at t saw (rows are appended, never removed).
-- Parameters:
--   @analysis_date DATE, @season_start DATE, @days_from DATE (first day of the longest days
--   window), @max_games INT64 (longest games window), @players ARRAY<STRING>,
--   @observed_at TIMESTAMP (rows that had arrived by then; late box scores arrive later).
-- {{upstream_table}}: the processor's completeness upstream, from the registry.
-- Cost: run thousands of times per season build on the embedded DuckDB, where a window operator
--   has a high fixed cost and aggregates and joins are cheap: the player's team, last game
--   elsewhere and stint come from aggregates over player_rows (one read of the upstream), not a
--   ROW_NUMBER over his rows; team_boxes and played only read from the first window game on
--   (rows before it match no window game). MAX_BY is BigQuery's and DuckDB's alike, but DuckDB's
--   skips a NULL value, hence the IFNULL: a NULL team stays a team no game belongs to.
WITH player_rows AS (
  SELECT game_date, team_abbr, player_lookup, MIN(processed_at) AS arrived_at, MAX(game_id) AS last_game_id
  FROM {{upstream_table}}
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND (processed_at IS NULL OR processed_at <= @observed_at)
    AND player_lookup IN UNNEST(@players)
  GROUP BY game_date, team_abbr, player_lookup
),
-- The player's latest date, then on it the team whose row has the highest game_id: the first row
-- of ORDER BY game_date DESC, game_id DESC.
latest_date AS (
  SELECT player_lookup, MAX(game_date) AS game_date FROM player_rows GROUP BY player_lookup
),
player_team AS (
  SELECT r.player_lookup, MAX_BY(IFNULL(r.team_abbr, ''), r.last_game_id) AS team
  FROM player_rows AS r
  JOIN latest_date AS l ON l.player_lookup = r.player_lookup AND l.game_date = r.game_date
  GROUP BY r.player_lookup
),
-- The player's current stint: his first game for the current team after his last game for
-- another one. Team games before it are ones he was not on the roster for (a trade or signing
-- inside the window), told apart from DNPs in the drill-down. (A player with rows for two teams
-- on his latest date has no stint, so no rows.)
last_elsewhere AS (
  SELECT r.player_lookup, MAX(r.game_date) AS last_other_date
  FROM player_rows AS r
  JOIN player_team AS pt ON pt.player_lookup = r.player_lookup
  WHERE r.team_abbr <> pt.team
  GROUP BY r.player_lookup
),
stint AS (
  SELECT r.player_lookup, MIN(r.game_date) AS since
  FROM player_rows AS r
  JOIN player_team AS pt ON pt.player_lookup = r.player_lookup AND r.team_abbr = pt.team
  LEFT JOIN last_elsewhere AS le ON le.player_lookup = r.player_lookup
  WHERE le.last_other_date IS NULL OR r.game_date > le.last_other_date
  GROUP BY r.player_lookup
),
{{> window_games teams=player_team}},
-- The first window game's date: team_boxes and played are joined to window games by date.
window_start AS (
  SELECT MIN(game_date) AS game_date FROM window_games
),
team_boxes AS (
  SELECT game_date, team_abbr, MIN(processed_at) AS arrived_at
  FROM {{upstream_table}}
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND (processed_at IS NULL OR processed_at <= @observed_at)
    AND game_date >= (SELECT game_date FROM window_start)
  GROUP BY game_date, team_abbr
),
played AS (
  SELECT game_date, team_abbr, player_lookup, MIN(processed_at) AS arrived_at
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND (processed_at IS NULL OR processed_at <= @observed_at)
    AND player_lookup IN UNNEST(@players)
    AND minutes IS NOT NULL
    AND TRIM(minutes) NOT IN ('', '0', '00', '0:00', '00:00')
    AND game_date >= (SELECT game_date FROM window_start)
  GROUP BY game_date, team_abbr, player_lookup
)
SELECT
  pt.player_lookup AS entity_id,
  w.team,
  w.game_id,
  w.game_date,
  w.opponent,
  w.games_back,
  pr.player_lookup IS NOT NULL AS entity_row_present,
  tb.team_abbr IS NOT NULL AS team_box_present,
  pl.player_lookup IS NOT NULL AS played_per_raw,
  w.game_date < st.since AS before_joining,
  pr.arrived_at AS entity_row_arrived_at,
  tb.arrived_at AS team_box_arrived_at,
  pl.arrived_at AS played_arrived_at
FROM player_team AS pt
JOIN stint AS st ON st.player_lookup = pt.player_lookup
JOIN window_games AS w ON w.team = pt.team
LEFT JOIN player_rows AS pr ON pr.player_lookup = pt.player_lookup AND pr.team_abbr = w.team AND pr.game_date = w.game_date
LEFT JOIN team_boxes AS tb ON tb.team_abbr = w.team AND tb.game_date = w.game_date
LEFT JOIN played AS pl ON pl.player_lookup = pt.player_lookup AND pl.team_abbr = w.team AND pl.game_date = w.game_date
ORDER BY entity_id, w.game_date DESC, w.game_id DESC
