-- Fragment: when each team's rows of each game date arrived in one box-score table: the
--   earliest processed_at of the team's rows that date (NULL when every row's processed_at is
--   NULL: there since before anyone recorded it), counting only rows that had arrived by @now
--   (a NULL processed_at counts as arrived). Game dates @date_from … @date_to (the table's
--   partition filter).
-- Parameters: {{table}} — the box-score table (a registry name, written in the including file);
--   {{team}} — its team column. Query parameters used: @date_from DATE, @date_to DATE,
--   @now TIMESTAMP.
-- Returns: game_date, team, arrived_at; one row per (game date, team) with a row.
  SELECT game_date, {{team}} AS team, MIN(processed_at) AS arrived_at
  FROM {{table}}
  WHERE game_date BETWEEN @date_from AND @date_to
    AND (processed_at IS NULL OR processed_at <= @now)
  GROUP BY game_date, {{team}}
