import "server-only";

import { defineInsert } from "./define-insert";

/**
 * The upstream tables as the demo simulator and the tests write them (the pipeline's scrapers
 * and processors write them in production; the console only reads them). Column names are the
 * tables'; a column a row does not carry is written NULL (none of them has a default).
 */

export interface ScheduleInsertRow {
  game_id: string;
  game_date: string;
  season_year: number;
  game_status: number;
  home_team_tricode: string;
  away_team_tricode: string;
}

export interface PlayerGameSummaryInsertRow {
  game_id: string;
  game_date: string;
  season_year: number;
  player_lookup: string;
  universal_player_id?: string | null;
  team_abbr: string;
  opponent_team_abbr: string;
  minutes_played: number;
  processed_at: string;
}

export interface TeamDefenseGameSummaryInsertRow {
  game_id: string;
  game_date: string;
  season_year: number;
  defending_team_abbr: string;
  opponent_team_abbr: string;
  processed_at: string;
}

export interface BdlBoxscoreInsertRow {
  game_id: string;
  game_date: string;
  season_year: number;
  player_lookup: string;
  team_abbr: string;
  minutes: string | null;
  processed_at: string;
}

export const appendSchedule = defineInsert<ScheduleInsertRow>({
  table: "nba_raw.nbac_schedule",
  columns: ["game_id", "game_date", "season_year", "game_status", "home_team_tricode", "away_team_tricode"],
});

export const appendPlayerGameSummary = defineInsert<PlayerGameSummaryInsertRow>({
  table: "nba_analytics.player_game_summary",
  columns: ["game_id", "game_date", "season_year", "player_lookup", "universal_player_id", "team_abbr", "opponent_team_abbr", "minutes_played", "processed_at"],
});

export const appendTeamDefenseGameSummary = defineInsert<TeamDefenseGameSummaryInsertRow>({
  table: "nba_analytics.team_defense_game_summary",
  columns: ["game_id", "game_date", "season_year", "defending_team_abbr", "opponent_team_abbr", "processed_at"],
});

export const appendBdlBoxscores = defineInsert<BdlBoxscoreInsertRow>({
  table: "nba_raw.bdl_player_boxscores",
  columns: ["game_id", "game_date", "season_year", "player_lookup", "team_abbr", "minutes", "processed_at"],
});
