-- nba_raw.bdl_player_boxscores: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/raw/bdl_boxscores_tables.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_raw.bdl_player_boxscores (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  game_status STRING,
  period INT64,
  is_postseason BOOL NOT NULL,
  home_team_abbr STRING NOT NULL,
  away_team_abbr STRING NOT NULL,
  home_team_score INT64,
  away_team_score INT64,
  team_abbr STRING NOT NULL,
  player_full_name STRING NOT NULL,
  player_lookup STRING NOT NULL,
  bdl_player_id INT64,
  jersey_number STRING,
  position STRING,
  minutes STRING,
  points INT64,
  assists INT64,
  rebounds INT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  personal_fouls INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  field_goal_pct FLOAT64,
  three_pointers_made INT64,
  three_pointers_attempted INT64,
  three_point_pct FLOAT64,
  free_throws_made INT64,
  free_throws_attempted INT64,
  free_throw_pct FLOAT64,
  source_file_path STRING NOT NULL,
  created_at TIMESTAMP NOT NULL,
  data_hash STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr, game_date;

ALTER TABLE nba_raw.bdl_player_boxscores SET OPTIONS (require_partition_filter  =  true);
