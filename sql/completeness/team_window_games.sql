-- Purpose: the games each team's completeness windows are measured on, and whether the team's
--   defensive box score for each has arrived. The engine counts every window from these rows.
-- Grain: one row per (team, game): the team's last @max_games final games strictly before
--   @analysis_date plus every final game on or after @days_from, never before @season_start.
-- Rules: a team's games are its home AND away games (the original attributed a game to the home
--   team only, which put team completeness near 200%); only final games (game_status = 3), so
--   postponed (PPD) and stale scheduled rows never count; a final game counts once per team and
--   date (the schedule appended rows, so a game may be listed final twice).
-- Presence: from nba_analytics.team_defense_game_summary (defending_team_abbr), matched by TEAM
--   AND GAME DATE, never by game_id: the schedule holds NBA.com ids (0022400123), the box-score
--   table YYYYMMDD_AWAY_HOME (20241215_BOS_LAL); game_id in the result is the schedule's. A row
--   whose processed_at is NULL counts as arrived. When
--   @presence_from_schedule is TRUE the schedule itself is the upstream (upcoming team game
--   context): a final game in the schedule is present by definition.
-- Arrival: entity_row_arrived_at and team_box_arrived_at — the earliest processed_at of the
--   team's box-score rows for the game (NULL when absent, when every row's processed_at is NULL,
--   or when the schedule is the upstream); played_arrived_at is always NULL. A flag's value at
--   an earlier instant t is "present and (arrived_at NULL or arrived_at <= t)".
-- Parameters:
--   @analysis_date DATE, @season_start DATE, @days_from DATE, @max_games INT64,
--   @teams ARRAY<STRING> (tricodes), @observed_at TIMESTAMP, @presence_from_schedule BOOL.
WITH wanted_teams AS (
  SELECT team FROM UNNEST(@teams) AS team
),
{{> window_games teams=wanted_teams}},
boxes AS (
  SELECT game_date, defending_team_abbr AS team, MIN(processed_at) AS arrived_at
  FROM nba_analytics.team_defense_game_summary
  WHERE game_date >= @season_start
    AND game_date < @analysis_date
    AND (processed_at IS NULL OR processed_at <= @observed_at)
    AND defending_team_abbr IN UNNEST(@teams)
  GROUP BY game_date, defending_team_abbr
)
SELECT
  w.team AS entity_id,
  w.team,
  w.game_id,
  w.game_date,
  w.opponent,
  w.games_back,
  (@presence_from_schedule OR b.team IS NOT NULL) AS entity_row_present,
  (@presence_from_schedule OR b.team IS NOT NULL) AS team_box_present,
  FALSE AS played_per_raw,
  FALSE AS before_joining,
  IF(@presence_from_schedule, CAST(NULL AS TIMESTAMP), b.arrived_at) AS entity_row_arrived_at,
  IF(@presence_from_schedule, CAST(NULL AS TIMESTAMP), b.arrived_at) AS team_box_arrived_at,
  CAST(NULL AS TIMESTAMP) AS played_arrived_at
FROM window_games AS w
LEFT JOIN boxes AS b ON b.team = w.team AND b.game_date = w.game_date
ORDER BY entity_id, w.game_date DESC, w.game_id DESC
