/**
 * Shared builders for the integration tests: an in-memory DuckDB with the full schema, small
 * hand-built upstream datasets (schedule, player_game_summary, bdl_player_boxscores,
 * team_defense_game_summary) and the SAME facts turned into the reference calculation's
 * `CompletenessData` (lib/completeness/windows.ts), plus a call-counting warehouse proxy.
 *
 * Rows use the NBA.com schedule game id everywhere (as the demo season does): the window SQL
 * joins upstream rows to schedule games by game_id.
 */
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import type { Warehouse } from "@/lib/warehouse/types";
import { type AttemptRow, BLANK_ATTEMPT } from "@/lib/completeness/breaker";
import type { SeasonCalendar } from "@/lib/completeness/calendar";
import { addDays, instantMs } from "@/lib/completeness/dates";
import type { CompletenessData, GameStatus, PlayerTeamRow, Presence } from "@/lib/completeness/windows";
import { appendOperatorAttempts } from "@/lib/queries/breakers";
import {
  type BdlBoxscoreInsertRow,
  type PlayerGameSummaryInsertRow,
  type ScheduleInsertRow,
  type TeamDefenseGameSummaryInsertRow,
  appendBdlBoxscores,
  appendPlayerGameSummary,
  appendSchedule,
  appendTeamDefenseGameSummary,
} from "@/lib/queries/upstream";

// ---------------------------------------------------------------------------------------------
// Warehouse

/** A fresh in-memory DuckDB with every table of sql/schema. */
export function memoryWarehouse(): Warehouse {
  return createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
}

export const UPSTREAM_TABLES = [
  "nba_raw.nbac_schedule",
  "nba_raw.bdl_player_boxscores",
  "nba_analytics.player_game_summary",
  "nba_analytics.team_defense_game_summary",
] as const;

export const OUTPUT_TABLES = [
  "nba_precompute.team_defense_zone_analysis",
  "nba_precompute.player_shot_zone_analysis",
  "nba_precompute.player_daily_cache",
  "nba_precompute.player_composite_factors",
  "nba_predictions.ml_feature_store_v2",
  "nba_analytics.upcoming_player_game_context",
  "nba_analytics.upcoming_team_game_context",
] as const;

export const BREAKER_TABLES = ["nba_orchestration.reprocess_attempts", "nba_orchestration.breaker_audit_log"] as const;

/** Empty the given tables (tests share one schema per file and reset data between cases). */
export async function clearTables(wh: Warehouse, tables: readonly string[]): Promise<void> {
  for (const t of tables) await wh.execute(`DELETE FROM ${t} WHERE TRUE`);
}

export async function clearAll(wh: Warehouse): Promise<void> {
  await clearTables(wh, [...UPSTREAM_TABLES, ...OUTPUT_TABLES, ...BREAKER_TABLES, "nba_orchestration.api_tokens"]);
}

export async function countRows(wh: Warehouse, table: string): Promise<number> {
  const [row] = await wh.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return row!.n;
}

// ---------------------------------------------------------------------------------------------
// Upstream rows (column names = the tables' column names)

/** A schedule row with the game statuses the window rules know. */
export interface ScheduleRow extends ScheduleInsertRow {
  game_status: GameStatus;
}
export type PgsRow = PlayerGameSummaryInsertRow;
export type BdlRow = BdlBoxscoreInsertRow;
export type TdgsRow = TeamDefenseGameSummaryInsertRow;

export interface Upstream {
  schedule: ScheduleRow[];
  pgs: PgsRow[];
  bdl: BdlRow[];
  tdgs: TdgsRow[];
}

export const emptyUpstream = (): Upstream => ({ schedule: [], pgs: [], bdl: [], tdgs: [] });

export async function insertSchedule(wh: Warehouse, rows: readonly ScheduleRow[]): Promise<void> {
  await appendSchedule.run(wh, rows);
}
export async function insertPgs(wh: Warehouse, rows: readonly PgsRow[]): Promise<void> {
  await appendPlayerGameSummary.run(wh, rows);
}
export async function insertBdl(wh: Warehouse, rows: readonly BdlRow[]): Promise<void> {
  await appendBdlBoxscores.run(wh, rows);
}
export async function insertTdgs(wh: Warehouse, rows: readonly TdgsRow[]): Promise<void> {
  await appendTeamDefenseGameSummary.run(wh, rows);
}

export async function insertUpstream(wh: Warehouse, up: Upstream): Promise<void> {
  await insertSchedule(wh, up.schedule);
  await insertPgs(wh, up.pgs);
  await insertBdl(wh, up.bdl);
  await insertTdgs(wh, up.tdgs);
}

/** Season year of a date (Oct–Dec: that year; Jan–Sep: the previous one). */
export function seasonYear(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 10 ? y : y - 1;
}

/** The morning after a game, when box scores normally land. */
export const morningAfter = (date: string): string => `${addDays(date, 1)}T06:00:00.000Z`;

export function scheduleGame(
  game_id: string,
  game_date: string,
  home: string,
  away: string,
  game_status: GameStatus = 3,
): ScheduleRow {
  return { game_id, game_date, season_year: seasonYear(game_date), game_status, home_team_tricode: home, away_team_tricode: away };
}

/**
 * Pair `teams` on each date with the circle method (every team plays every date; an even
 * number of teams), home and away alternating by date. Game ids are `${prefix}` + a counter.
 */
export function roundRobin(teams: readonly string[], dates: readonly string[], prefix = "00224", firstId = 1): ScheduleRow[] {
  if (teams.length % 2) throw new Error("roundRobin needs an even number of teams");
  const rows: ScheduleRow[] = [];
  let id = firstId;
  const rest = teams.slice(1);
  dates.forEach((date, d) => {
    const rotated = [teams[0]!, ...rest.slice(d % rest.length), ...rest.slice(0, d % rest.length)];
    const half = rotated.length / 2;
    for (let j = 0; j < half; j++) {
      const a = rotated[j]!;
      const b = rotated[rotated.length - 1 - j]!;
      const [home, away] = d % 2 === 0 ? [a, b] : [b, a];
      rows.push(scheduleGame(`${prefix}${String(id++).padStart(5, "0")}`, date, home, away));
    }
  });
  return rows;
}

/** `count` dates from `start`, `step` days apart. */
export function everyNDays(start: string, count: number, step = 2): string[] {
  return Array.from({ length: count }, (_, i) => addDays(start, i * step));
}

export function opponentIn(game: ScheduleRow, team: string): string {
  return game.home_team_tricode === team ? game.away_team_tricode : game.home_team_tricode;
}

export function gamesOf(schedule: readonly ScheduleRow[], team: string, finalOnly = true): ScheduleRow[] {
  return schedule
    .filter((g) => (g.home_team_tricode === team || g.away_team_tricode === team) && (!finalOnly || g.game_status === 3))
    .sort((a, b) => (a.game_date < b.game_date ? -1 : a.game_date > b.game_date ? 1 : a.game_id < b.game_id ? -1 : 1));
}

/**
 * What happened to one player in one game, and which rows exist for it:
 * - played:   PGS row + bdl row with minutes (both the morning after, or `processedAt`)
 * - dnp:      bdl row "0:00", no PGS row (did not play; not a data gap)
 * - lost:     bdl row with minutes ("31:12"), no PGS row (a permanently missing row: a gap)
 * - late:     like played, but the PGS row lands at `processedAt` (after the usual morning)
 * - absent:   no rows at all (not on the team yet, or the whole box score never arrived)
 */
export type Fate =
  | { kind: "played"; processedAt?: string }
  | { kind: "dnp" }
  | { kind: "lost" }
  | { kind: "late"; processedAt: string }
  | { kind: "absent" };

export const PLAYED: Fate = { kind: "played" };

/** Box-score rows of `player` for `team` in `game`, according to its fate. */
export function playerRows(game: ScheduleRow, team: string, player: string, fate: Fate): { pgs: PgsRow[]; bdl: BdlRow[] } {
  const base = { game_id: game.game_id, game_date: game.game_date, season_year: game.season_year, player_lookup: player, team_abbr: team };
  const morning = morningAfter(game.game_date);
  const pgs = (processed_at: string): PgsRow => ({ ...base, opponent_team_abbr: opponentIn(game, team), minutes_played: 30, processed_at });
  const bdl = (minutes: string): BdlRow => ({ ...base, minutes, processed_at: morning });
  switch (fate.kind) {
    case "played":
      return { pgs: [pgs(fate.processedAt ?? morning)], bdl: [bdl("30:00")] };
    case "late":
      return { pgs: [pgs(fate.processedAt)], bdl: [bdl("28:45")] };
    case "dnp":
      return { pgs: [], bdl: [bdl("0:00")] };
    case "lost":
      return { pgs: [], bdl: [bdl("31:12")] };
    case "absent":
      return { pgs: [], bdl: [] };
  }
}

export function tdgsRow(game: ScheduleRow, team: string, processed_at = morningAfter(game.game_date)): TdgsRow {
  return {
    game_id: game.game_id,
    game_date: game.game_date,
    season_year: game.season_year,
    defending_team_abbr: team,
    opponent_team_abbr: opponentIn(game, team),
    processed_at,
  };
}

/** A player's stints: on `team` for final games dated in [from, to] (inclusive; open ends allowed). */
export interface Stint {
  team: string;
  from?: string;
  to?: string;
}

export interface RosterPlayer {
  player: string;
  stints: Stint[];
  /** Fate per game_id; default PLAYED. */
  fates?: Record<string, Fate>;
}

/**
 * Box scores for every final game of `schedule`: each roster player's rows per their stints
 * and fates, and a team_defense_game_summary row per team and game (unless `noTeamBox` lists
 * the `${game_id}|${team}` pair).
 */
export function boxScores(
  schedule: readonly ScheduleRow[],
  roster: readonly RosterPlayer[],
  opts: { noTeamBox?: ReadonlySet<string>; tdgsProcessedAt?: Record<string, string> } = {},
): Omit<Upstream, "schedule"> {
  const out: Omit<Upstream, "schedule"> = { pgs: [], bdl: [], tdgs: [] };
  for (const game of schedule) {
    if (game.game_status !== 3) continue;
    for (const team of [game.home_team_tricode, game.away_team_tricode]) {
      if (!opts.noTeamBox?.has(`${game.game_id}|${team}`)) {
        out.tdgs.push(tdgsRow(game, team, opts.tdgsProcessedAt?.[`${game.game_id}|${team}`]));
      }
      for (const p of roster) {
        const onTeam = p.stints.some((s) => s.team === team && (!s.from || game.game_date >= s.from) && (!s.to || game.game_date <= s.to));
        if (!onTeam) continue;
        const rows = playerRows(game, team, p.player, p.fates?.[game.game_id] ?? PLAYED);
        out.pgs.push(...rows.pgs);
        out.bdl.push(...rows.bdl);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The same facts for the reference calculation

const arrived = (processedAt: string, observedAt: string) => instantMs(processedAt) <= instantMs(observedAt);

/** The SQL's "played per raw box score" predicate: minutes present and not a zero form. */
export function playedPerRaw(minutes: string | null): boolean {
  return minutes !== null && !["", "0", "00", "0:00", "00:00"].includes(minutes.trim());
}

function presenceMap<T>(rows: readonly T[], key: (r: T) => string, id: (r: T) => string): Map<string, Presence> {
  const sets = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = key(r);
    const s = sets.get(k) ?? new Set<string>();
    s.add(id(r));
    sets.set(k, s);
  }
  return new Map([...sets].map(([k, gameIds]) => [k, { gameIds }]));
}

/**
 * `CompletenessData` for the reference calculation from the same rows the SQL reads, keeping
 * only rows that had arrived by `observedAt` (processed_at ≤ observedAt). Presence is by game_id.
 * `upstream` is the processor's completeness upstream: a player table (PGS or bdl), the team
 * defense table, or the schedule itself.
 */
export function referenceData(
  up: Upstream,
  opts: { upstream: "player_game_summary" | "bdl_player_boxscores" | "team_defense_game_summary" | "schedule"; observedAt: string; calendar?: SeasonCalendar },
): CompletenessData {
  const schedule = up.schedule.map((g) => ({
    game_id: g.game_id,
    game_date: g.game_date,
    status: g.game_status,
    home: g.home_team_tricode,
    away: g.away_team_tricode,
  }));
  const bdl = up.bdl.filter((r) => arrived(r.processed_at, opts.observedAt));
  const played = presenceMap(
    bdl.filter((r) => playedPerRaw(r.minutes)),
    (r) => r.player_lookup,
    (r) => r.game_id,
  );
  const calendar = opts.calendar;
  switch (opts.upstream) {
    case "team_defense_game_summary": {
      const tdgs = up.tdgs.filter((r) => arrived(r.processed_at, opts.observedAt));
      return { schedule, present: presenceMap(tdgs, (r) => r.defending_team_abbr, (r) => r.game_id), calendar };
    }
    case "schedule": {
      const finals = up.schedule.filter((g) => g.game_status === 3);
      const present = presenceMap(
        finals.flatMap((g) => [
          { team: g.home_team_tricode, id: g.game_id },
          { team: g.away_team_tricode, id: g.game_id },
        ]),
        (r) => r.team,
        (r) => r.id,
      );
      return { schedule, present, calendar };
    }
    default: {
      const rows: { game_id: string; game_date: string; player_lookup: string; team_abbr: string }[] =
        opts.upstream === "player_game_summary" ? up.pgs.filter((r) => arrived(r.processed_at, opts.observedAt)) : bdl;
      const playerTeams: PlayerTeamRow[] = rows.map((r) => ({ player: r.player_lookup, game_date: r.game_date, team: r.team_abbr }));
      return {
        schedule,
        present: presenceMap(rows, (r) => r.player_lookup, (r) => r.game_id),
        teamBoxScores: presenceMap(rows, (r) => r.team_abbr, (r) => r.game_id),
        playerTeams,
        playedPerRaw: played,
        calendar,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Breaker rows

/** A reprocess_attempts row with defaults for everything not given. */
export function attemptRow(fields: Partial<AttemptRow> & Pick<AttemptRow, "processor_name" | "entity_id" | "analysis_date" | "attempt_number" | "attempted_at">): AttemptRow & { actor_role: string | null } {
  return { ...BLANK_ATTEMPT, completeness_pct: 50, skip_reason: "incomplete_upstream_data", actor_role: null, ...fields };
}

/** The columns a test's attempt rows are written with: every column but created_at and override_expires_at, typed by the DDL. */
export const ATTEMPT_WRITE_COLUMNS = appendOperatorAttempts.types();

/** Append attempt rows with the operator writes' columns (a column a row lacks is written NULL). */
export async function insertAttempts(wh: Warehouse, rows: readonly object[]): Promise<void> {
  if (rows.length) await wh.insert(appendOperatorAttempts.table, ATTEMPT_WRITE_COLUMNS, rows);
}

// ---------------------------------------------------------------------------------------------
// Counting proxy

export interface CallCounts {
  query: number;
  execute: number;
  transaction: number;
  insert: number;
}

/** The warehouse with every call counted (insert also goes through transaction in the adapter). */
export function countingWarehouse(inner: Warehouse): { wh: Warehouse; counts: CallCounts; reset: () => void } {
  const counts: CallCounts = { query: 0, execute: 0, transaction: 0, insert: 0 };
  const wh: Warehouse = {
    kind: inner.kind,
    query: (sql, o) => {
      counts.query++;
      return inner.query(sql, o);
    },
    execute: (sql, o) => {
      counts.execute++;
      return inner.execute(sql, o);
    },
    transaction: (s, o) => {
      counts.transaction++;
      return inner.transaction(s, o);
    },
    insert: (t, c, r) => {
      counts.insert++;
      return inner.insert(t, c, r);
    },
    close: () => inner.close(),
  };
  return {
    wh,
    counts,
    reset: () => {
      counts.query = counts.execute = counts.transaction = counts.insert = 0;
    },
  };
}

export const totalCalls = (c: CallCounts) => c.query + c.execute + c.transaction + c.insert;
