-- Purpose: each player's team and opponent for the games on a date, as the upcoming player game
--   context recorded them (from the props feed and rosters). Cascade checks key team-level
--   upstreams by the opponent; this knows it even on a player's debut or first game after a
--   trade, where the player's previous game would name no team or the old one.
-- Grain: one row per player: the latest row written for @game_date (processed_at, nullable in
--   the original table, else created_at).
-- Parameters: @game_date DATE, @players ARRAY<STRING>
SELECT
  player_lookup,
  team_abbr,
  opponent_team_abbr
FROM nba_analytics.upcoming_player_game_context
WHERE game_date = @game_date
  AND player_lookup IN UNNEST(@players)
  AND team_abbr IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup ORDER BY COALESCE(processed_at, created_at) DESC NULLS LAST) = 1
