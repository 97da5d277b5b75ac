import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { PROCESSORS } from "@/lib/completeness/processors";

import { defineQuery } from "./define-query";
import { processorOutputsSql } from "./processor-outputs";

const isoTimestamp = z.string().datetime({ offset: true });

const windowGameRow = z.object({
  entity_id: z.string(),
  team: z.string(),
  game_id: z.string(),
  game_date: isoDate,
  opponent: z.string(),
  games_back: z.number().int().positive(),
  entity_row_present: z.boolean(),
  team_box_present: z.boolean(),
  played_per_raw: z.boolean(),
  before_joining: z.boolean(),
  entity_row_arrived_at: isoTimestamp.nullable(),
  team_box_arrived_at: isoTimestamp.nullable(),
  played_arrived_at: isoTimestamp.nullable(),
});
export type WindowGameRow = z.infer<typeof windowGameRow>;

const windowParams = {
  analysis_date: isoDate,
  season_start: isoDate,
  days_from: isoDate,
  max_games: z.number().int().min(0),
  observed_at: isoTimestamp,
};
const windowParamTypes = {
  analysis_date: "DATE",
  season_start: "DATE",
  days_from: "DATE",
  max_games: "INT64",
  observed_at: "TIMESTAMP",
} as const;

/** Upstream tables a player processor may be measured on (registry values only). */
const PLAYER_UPSTREAMS = [
  ...new Set(PROCESSORS.filter((p) => p.entityKind === "player").map((p) => p.upstream.table)),
];

export const playerWindowGames = defineQuery({
  name: "player_window_games",
  file: "completeness/player_window_games.sql",
  params: z.object({ ...windowParams, players: z.array(z.string()) }),
  types: { ...windowParamTypes, players: ["STRING"] },
  row: windowGameRow,
  fragments: { upstream_table: PLAYER_UPSTREAMS },
});

export const teamWindowGames = defineQuery({
  name: "team_window_games",
  file: "completeness/team_window_games.sql",
  params: z.object({ ...windowParams, teams: z.array(z.string()), presence_from_schedule: z.boolean() }),
  types: { ...windowParamTypes, teams: ["STRING"], presence_from_schedule: "BOOL" },
  row: windowGameRow,
});

export const upstreamReadiness = defineQuery({
  name: "upstream_readiness",
  file: "completeness/upstream_readiness.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, entity_ids: z.array(z.string()) }),
  types: { date_from: "DATE", date_to: "DATE", entity_ids: ["STRING"] },
  row: z.object({ processor: z.string(), entity_id: z.string(), is_production_ready: z.boolean().nullable() }),
  fragments: { processor_outputs: [processorOutputsSql({ columns: ["is_production_ready"] })] },
});

export const gamesOnDate = defineQuery({
  name: "games_on_date",
  file: "completeness/games_on_date.sql",
  params: z.object({ game_date: isoDate }),
  types: { game_date: "DATE" },
  row: z.object({
    game_id: z.string(),
    game_status: z.number().int(),
    home_team_tricode: z.string(),
    away_team_tricode: z.string(),
  }),
});

export const playerGameTeams = defineQuery({
  name: "player_game_teams",
  file: "completeness/player_game_teams.sql",
  params: z.object({ game_date: isoDate, players: z.array(z.string()) }),
  types: { game_date: "DATE", players: ["STRING"] },
  row: z.object({ player_lookup: z.string(), team_abbr: z.string(), opponent_team_abbr: z.string().nullable() }),
});
