-- Purpose: the games scheduled on one date, whatever their status, so a run can tell each
--   team's opponent that day (cascade checks key team-level upstreams by the opponent, as the
--   original did) and which teams play.
-- Grain: one row per scheduled game on @game_date.
-- Parameters: @game_date DATE
SELECT
  game_id,
  game_status,
  home_team_tricode,
  away_team_tricode
FROM nba_raw.nbac_schedule
WHERE game_date = @game_date
ORDER BY game_id
