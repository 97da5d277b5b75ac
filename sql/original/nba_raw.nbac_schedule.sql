-- nba_raw.nbac_schedule: the original pipeline's table, exactly as its DDL declares it
--   (schemas/bigquery/raw/nbac_schedule_tables.sql@a46f5724, with the same file's later ADD COLUMN statements applied).
--
-- Purpose: the `original` demo profile and the tests that hold the console to the warehouse
--   its users already have. Never applied to BigQuery (npm run schema:apply reads sql/schema/
--   only): in production these tables belong to the pipeline. The console may require no column
--   that is not here.
CREATE TABLE IF NOT EXISTS nba_raw.nbac_schedule (
  game_id STRING NOT NULL,
  game_code STRING NOT NULL,
  season STRING NOT NULL,
  season_nba_format STRING NOT NULL,
  season_year INT64 NOT NULL,
  game_date DATE NOT NULL,
  game_date_est TIMESTAMP,
  game_status INT64,
  game_status_text STRING,
  home_team_id INT64 NOT NULL,
  home_team_tricode STRING NOT NULL,
  home_team_name STRING NOT NULL,
  away_team_id INT64 NOT NULL,
  away_team_tricode STRING NOT NULL,
  away_team_name STRING NOT NULL,
  arena_name STRING,
  arena_city STRING,
  arena_state STRING,
  is_primetime BOOLEAN,
  has_national_tv BOOLEAN,
  primary_network STRING,
  traditional_networks STRING,
  streaming_platforms STRING,
  is_regular_season BOOLEAN,
  is_playoffs BOOLEAN,
  is_all_star BOOLEAN,
  is_emirates_cup BOOLEAN,
  playoff_round STRING,
  is_christmas BOOLEAN,
  is_mlk_day BOOLEAN,
  day_of_week STRING,
  is_weekend BOOLEAN,
  time_slot STRING,
  neutral_site_flag BOOLEAN,
  international_game BOOLEAN,
  arena_timezone STRING,
  home_team_score INT64,
  away_team_score INT64,
  winning_team_tricode STRING,
  data_source STRING,
  source_updated_at TIMESTAMP,
  source_file_path STRING NOT NULL,
  scrape_timestamp TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  data_hash STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_date, data_source, home_team_tricode, away_team_tricode, season_year;

ALTER TABLE nba_raw.nbac_schedule SET OPTIONS (require_partition_filter  =  true);
