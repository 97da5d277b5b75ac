/**
 * One small season, written two ways, for the tests that hold the console's reads to the
 * warehouse they exist for:
 *
 * - `original`: the tables created from `sql/original/` (the pipeline's own DDL: every column,
 *   NOT NULL payloads, defaults), then the console's `sql/schema/` applied on top, exactly as the
 *   console does when it opens a warehouse the pipeline already has. Rows as the Python pipeline
 *   writes them: the processor names it writes (`ml_feature_store_v2`,
 *   `nba_analytics.upcoming_player_game_context`), no success rows, skipped entities ONLY in
 *   reprocess_attempts, the console's columns NULL, microsecond timestamps, the schedule's NBA.com
 *   game ids beside the box scores' `YYYYMMDD_AWAY_HOME`, completeness above 100%, a stale
 *   scheduled row and a postponed (PPD) row beside final rows, a final row listed twice,
 *   `player_game_summary.processed_at` NULL, an override done the original scripts' way (a
 *   flag-only UPDATE that changes nothing for the processor) and a RESET.
 * - `console`: the same facts in the console's own tables (`sql/schema/` only): canonical
 *   processor names, the schedule's game ids everywhere, millisecond timestamps.
 *
 * The facts live once (`DATASET`), as plain data; `writeDataset` turns them into rows for either
 * shape, and tests compute their expected answers from the same facts in TypeScript.
 *
 * Rows are inserted with SQL literals through a generic writer that reads each table's columns
 * from DuckDB's information_schema: columns a shape lacks are dropped, NOT NULL payload columns
 * the facts do not mention are filled with a stand-in value (the console never reads them), timestamps keep their microseconds.
 */
import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR } from "@/lib/completeness/calendar";
import { addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

export type Shape = "original" | "console";
export const SHAPES: readonly Shape[] = ["original", "console"];

/** An in-memory warehouse of the shape: the original DDL then the console's (original), or the console's only. */
export function shapedWarehouse(shape: Shape): Warehouse {
  return createDuckDbWarehouse({
    path: ":memory:",
    onOpen: async (run) => {
      if (shape === "original") await applyEmbeddedSchema(run, "sql/original");
      await applyEmbeddedSchema(run);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The facts

export const CALENDAR: SeasonCalendar = DEFAULT_SEASON_CALENDAR; // 2024 season: opening 2024-10-22
export const OPENING = "2024-10-22";
/** The last date the processors wrote output for. */
export const LAST_OUTPUT = "2025-01-15";
/** A mass outage: on these dates the processors skipped every entity and wrote no output. */
export const OUTAGE_DATES = ["2025-01-16", "2025-01-17"] as const;
export const NOW = "2025-01-18T12:00:00.000Z";
export const TODAY = NOW.slice(0, 10);
/** Box scores of these game dates were lost by the scraper and backfilled at BACKFILL_AT. */
export const OUTAGE_GAME_DATES = ["2025-01-08", "2025-01-10"] as const;
export const BACKFILL_AT = "2025-01-17T10:00:00.123456Z";

export const TEAMS = ["LAL", "BOS", "GSW", "NYK"] as const;

export interface Game {
  /** NBA.com id, as the schedule holds it. */
  nbaId: string;
  date: string;
  home: string;
  away: string;
  status: 1 | 2 | 3;
  statusText: string;
}

/** `YYYYMMDD_AWAY_HOME`, the box-score tables' game id. */
export const boxId = (g: Pick<Game, "date" | "home" | "away">) => `${g.date.replaceAll("-", "")}_${g.away}_${g.home}`;

/**
 * Every team plays every second day from opening night (a circle schedule over four teams).
 * Games on or after TODAY are not final yet. LAL–BOS of 2025-01-04 was postponed to 2025-01-07
 * (an off day): the schedule keeps the 01-04 row with status 1 and text PPD, and the game is
 * final on 01-07 under the same id.
 */
function buildGames(): Game[] {
  const games: Game[] = [];
  let seq = 1;
  const rest = TEAMS.slice(1);
  for (let d = 0; ; d++) {
    const date = addDays(OPENING, 2 * d);
    if (date > "2025-01-22") break;
    const rotated = [TEAMS[0], ...rest.slice(d % 3), ...rest.slice(0, d % 3)];
    for (const [a, b] of [
      [rotated[0]!, rotated[3]!],
      [rotated[1]!, rotated[2]!],
    ] as const) {
      const [home, away] = d % 2 === 0 ? [a, b] : [b, a];
      const final = date < TODAY;
      games.push({ nbaId: `00224${String(seq++).padStart(5, "0")}`, date, home, away, status: final ? 3 : 1, statusText: final ? "Final" : "7:30 pm ET" });
    }
  }
  return games;
}

const BASE_GAMES = buildGames();
export const PPD_FROM = "2025-01-04";
export const PPD_TO = "2025-01-07";
const ppdIndex = BASE_GAMES.findIndex((g) => g.date === PPD_FROM && [g.home, g.away].includes("LAL"));
export const PPD_GAME: Game = BASE_GAMES[ppdIndex]!;

/** The games as they were played (final games on their real date). */
export const GAMES: readonly Game[] = BASE_GAMES.map((g, i) => (i === ppdIndex ? { ...g, date: PPD_TO } : g));

/** Rows of nba_raw.nbac_schedule: every game, plus the appended rows the original schedule kept. */
export const SCHEDULE_ROWS: readonly Game[] = [
  ...GAMES,
  { ...PPD_GAME, date: PPD_FROM, status: 1, statusText: "PPD" },
  // a stale "scheduled" row beside the final row of every game of 2025-01-10
  ...GAMES.filter((g) => g.date === "2025-01-10").map((g) => ({ ...g, status: 1 as const, statusText: "7:30 pm ET" })),
  // the final row of LAL's 2025-01-12 game appended twice
  ...GAMES.filter((g) => g.date === "2025-01-12" && [g.home, g.away].includes("LAL")),
];

export interface Player {
  player: string;
  /** Team stints, by game date (inclusive). */
  stints: { team: string; from?: string; to?: string }[];
  /** Game dates he did not play (raw box score "00", no player_game_summary row). */
  dnp?: string[];
  /** Game dates whose player_game_summary row was permanently lost (he played: raw box score has minutes). */
  lost?: string[];
  /** player_game_summary.processed_at left NULL on all his rows. */
  nullProcessedAt?: boolean;
}

export const PLAYERS: readonly Player[] = [
  { player: "lebronjames", stints: [{ team: "LAL" }], dnp: ["2025-01-02"] },
  { player: "anthonydavis", stints: [{ team: "LAL" }], lost: ["2025-01-02", "2025-01-06"] },
  { player: "jaysontatum", stints: [{ team: "BOS" }], nullProcessedAt: true },
  { player: "tradedguy", stints: [{ team: "BOS", to: "2024-12-20" }, { team: "LAL", from: "2024-12-21" }] },
  { player: "stephcurry", stints: [{ team: "GSW" }] },
  { player: "jalenbrunson", stints: [{ team: "NYK" }] },
];

/** When a game's box-score rows arrived: the morning after (microseconds, as Python writes), or the backfill. */
export function arrivalOf(gameDate: string): string {
  return (OUTAGE_GAME_DATES as readonly string[]).includes(gameDate) ? BACKFILL_AT : `${addDays(gameDate, 1)}T06:00:00.250731Z`;
}

export interface BoxRow {
  game: Game;
  player: string;
  team: string;
  minutes: string;
  /** A player_game_summary row exists (else only the raw box score). */
  summary: boolean;
  processedAt: string | null;
}

/** Player box scores of every final game, per the players' stints and fates. */
export const BOX_ROWS: readonly BoxRow[] = GAMES.filter((g) => g.status === 3).flatMap((game) =>
  [game.home, game.away].flatMap((team) =>
    PLAYERS.filter((p) => p.stints.some((s) => s.team === team && (!s.from || game.date >= s.from) && (!s.to || game.date <= s.to))).map((p) => {
      const dnp = p.dnp?.includes(game.date) ?? false;
      return {
        game,
        player: p.player,
        team,
        minutes: dnp ? "00" : "31:12",
        summary: !dnp && !(p.lost?.includes(game.date) ?? false),
        processedAt: p.nullProcessedAt ? null : arrivalOf(game.date),
      };
    }),
  ),
);

// ---------------------------------------------------------------------------------------------
// Processor output rows and reprocess_attempts rows (as the Python processors wrote them)

export interface OutputFact {
  processor: ProcessorName;
  /** tricode or player_lookup (the team-game processor: the tricode; its key is built from the date). */
  entity: string;
  date: string;
  writtenAt: string;
  pct: number | null;
  expected: number | null;
  actual: number | null;
  ready: boolean;
  bootstrap?: boolean;
  reason?: string;
  windows?: Record<string, [number | null, boolean]>;
}

const ran = (date: string, t = "04:00:00.111111") => `${addDays(date, 1)}T${t}Z`;
const out = (processor: ProcessorName, entity: string, date: string, pct: number | null, extra: Partial<OutputFact> = {}): OutputFact => ({
  processor,
  entity,
  date,
  writtenAt: ran(date),
  pct,
  expected: 10,
  actual: pct === null ? 0 : Math.round(pct / 10),
  ready: true,
  reason: "processed_successfully",
  ...extra,
});
const all = (ids: string[], v: [number | null, boolean] = [100, true]) => Object.fromEntries(ids.map((id) => [id, v]));
const PDC_W = ["l5", "l10", "l7d", "l14d"];
const UPGC_W = ["l5", "l10", "l7d", "l14d", "l30d"];
const UTGC_W = ["l7d", "l14d"];

export const OUTPUTS: readonly OutputFact[] = [
  // team_defense_zone_analysis: the original counted home games as expected and all games as
  // actual, so teams sit near 200%
  ...TEAMS.map((t) => out("team_defense_zone_analysis", t, "2025-01-14", 200, { expected: 7, actual: 14 })),
  out("team_defense_zone_analysis", "BOS", LAST_OUTPUT, 186.7, { expected: 15, actual: 28 }),
  out("team_defense_zone_analysis", "GSW", LAST_OUTPUT, 193.3, { expected: 15, actual: 29 }),
  // (LAL and NYK skipped on LAST_OUTPUT: attempts only)
  // player_shot_zone_analysis
  out("player_shot_zone_analysis", "lebronjames", LAST_OUTPUT, 100),
  out("player_shot_zone_analysis", "jaysontatum", LAST_OUTPUT, 105, { expected: 20, actual: 21 }),
  // processed under a 70% threshold: 269 / 299 = 89.966…, stored 90.0; not ≥ 90 unrounded
  out("player_shot_zone_analysis", "tradedguy", LAST_OUTPUT, 90, { expected: 299, actual: 269 }),
  out("player_shot_zone_analysis", "lebronjames", "2024-11-01", 40, { bootstrap: true, ready: false, expected: 5, actual: 2, reason: "processed_successfully" }),
  // opening night: nothing expected; the original wrote 0% (its checker's expected = 0 case)
  out("player_shot_zone_analysis", "lebronjames", OPENING, 0, { bootstrap: true, ready: false, expected: 0, actual: 0 }),
  // player_daily_cache (multi-window)
  out("player_daily_cache", "lebronjames", LAST_OUTPUT, 100, { windows: all(PDC_W) }),
  out("player_daily_cache", "jaysontatum", LAST_OUTPUT, 110, { expected: 10, actual: 11, windows: { ...all(PDC_W), l10: [110, true] } }),
  // player_composite_factors
  out("player_composite_factors", "lebronjames", LAST_OUTPUT, 100),
  // ml_feature_store_v2: created_at / updated_at, no processed_at
  out("ml_feature_store", "lebronjames", LAST_OUTPUT, 100),
  out("ml_feature_store", "jaysontatum", LAST_OUTPUT, 101.5, { expected: 20, actual: 20 }),
  // upcoming_player_game_context (game dates)
  out("upcoming_player_game_context", "lebronjames", "2025-01-14", 100, { windows: all(UPGC_W) }),
  out("upcoming_player_game_context", "jaysontatum", "2025-01-14", 100, { windows: all(UPGC_W) }),
  // upcoming_team_game_context: never skips, writes incomplete rows too
  ...["LAL", "BOS", "GSW"].map((t) => out("upcoming_team_game_context", t, "2025-01-14", 100, { windows: all(UTGC_W) })),
  out("upcoming_team_game_context", "NYK", "2025-01-14", 75, { expected: 8, actual: 6, windows: { l7d: [50, false], l14d: [75, false] } }),
];

export interface AttemptFact {
  processor: ProcessorName;
  entity: string;
  date: string;
  n: number;
  at: string;
  pct: number | null;
  skipReason: string | null;
  tripped: boolean;
  /** The original scripts' override: an UPDATE of these two columns on the key's tripped rows. */
  flagOverride?: { notes: string };
}

const attempt = (processor: ProcessorName, entity: string, date: string, n: number, at: string, pct: number | null, skipReason = "incomplete_upstream_data"): AttemptFact => ({
  processor,
  entity,
  date,
  n,
  at,
  pct,
  skipReason,
  tripped: n >= 3,
});
/** Three failed attempts, the third tripping, at the given instants. */
const strikes = (processor: ProcessorName, entity: string, date: string, ats: [string, string, string], pct: number, skipReason?: string) =>
  ats.map((at, i) => attempt(processor, entity, date, i + 1, at, pct, skipReason));

export const KEYS = {
  /** Skipped during the box-score outage; the data is backfilled since: recovered. */
  recovered: { processor: "player_shot_zone_analysis" as const, entity: "stephcurry", date: "2025-01-13" },
  /** Two permanently lost rows: 80% live, ready only under a 70% threshold. */
  lostRows: { processor: "player_shot_zone_analysis" as const, entity: "anthonydavis", date: "2025-01-14" },
  /** Overridden with the original script (flag-only UPDATE): still blocked. */
  flagOverride: { processor: "ml_feature_store" as const, entity: "anthonydavis", date: "2025-01-14" },
  /** Tripped during the mass outage, after the last output. */
  outage: { processor: "team_defense_zone_analysis" as const, entity: "LAL", date: "2025-01-17" },
  /** The upcoming context trips a game date ahead of today (after data-as-of). */
  ahead: { processor: "upcoming_player_game_context" as const, entity: "lebronjames", date: "2025-01-20" },
  /** Tripped with 104.2% recorded (mean of five windows, one below the threshold). */
  overHundred: { processor: "upcoming_player_game_context" as const, entity: "stephcurry", date: "2025-01-16" },
  /** Reset with the original script: one attempt-0 RESET row left. */
  reset: { processor: "player_shot_zone_analysis" as const, entity: "jalenbrunson", date: "2025-01-12" },
  /** Tripped long ago and expired. */
  expired: { processor: "team_defense_zone_analysis" as const, entity: "NYK", date: "2024-12-20" },
};

export const ATTEMPTS: readonly AttemptFact[] = [
  ...strikes("player_shot_zone_analysis", "stephcurry", "2025-01-13", ["2025-01-14T04:15:00.123456Z", "2025-01-14T10:15:00.5Z", "2025-01-15T04:15:00.654321Z"], 80),
  ...strikes("player_shot_zone_analysis", "anthonydavis", "2025-01-14", ["2025-01-15T04:15:00.000001Z", "2025-01-15T10:15:00.2Z", "2025-01-16T04:15:00.999999Z"], 80),
  ...strikes("ml_feature_store", "anthonydavis", "2025-01-14", ["2025-01-15T05:00:00.1Z", "2025-01-15T11:00:00.1Z", "2025-01-16T05:00:00.300001Z"], 80).map((a) =>
    a.tripped ? { ...a, flagOverride: { notes: "Manual override applied by ops on 2025-01-17 09:00:00 UTC. Reason: backfilled" } } : a,
  ),
  // LAST_OUTPUT: TDZA skipped LAL and NYK, PSZA skipped anthonydavis and rookieguy (nothing
  // expected: the original's checker says 0%, not ready), PDC skipped anthonydavis
  attempt("team_defense_zone_analysis", "LAL", LAST_OUTPUT, 1, "2025-01-16T04:00:00.222222Z", 86.7),
  attempt("team_defense_zone_analysis", "NYK", LAST_OUTPUT, 1, "2025-01-16T04:00:00.333333Z", 86.7),
  attempt("player_shot_zone_analysis", "anthonydavis", LAST_OUTPUT, 1, "2025-01-16T04:15:00.1Z", 80),
  attempt("player_shot_zone_analysis", "rookieguy", LAST_OUTPUT, 1, "2025-01-16T04:15:00.2Z", 0),
  attempt("player_daily_cache", "anthonydavis", LAST_OUTPUT, 1, "2025-01-16T04:30:00.1Z", 90, "incomplete_upstream_data_multi_window"),
  // the mass outage: every team and player skipped, no output
  ...OUTAGE_DATES.flatMap((d) => [
    ...TEAMS.filter((t) => !(t === "LAL" && d === "2025-01-17")).map((t) => attempt("team_defense_zone_analysis", t, d, 1, `${addDays(d, 1)}T04:00:00.444444Z`, 0)),
    ...PLAYERS.map((p) => attempt("player_shot_zone_analysis", p.player, d, 1, `${addDays(d, 1)}T04:15:00.555555Z`, 0)),
  ]),
  ...strikes("team_defense_zone_analysis", "LAL", "2025-01-17", ["2025-01-17T22:00:00.1Z", "2025-01-18T02:00:00.1Z", "2025-01-18T04:00:00.777777Z"], 0),
  ...strikes("upcoming_player_game_context", "lebronjames", "2025-01-20", ["2025-01-18T01:00:00.1Z", "2025-01-18T03:00:00.1Z", "2025-01-18T05:00:00.888888Z"], 70, "incomplete_multi_window_data"),
  ...strikes("upcoming_player_game_context", "stephcurry", "2025-01-16", ["2025-01-15T01:00:00.1Z", "2025-01-15T03:00:00.1Z", "2025-01-15T05:00:00.999999Z"], 104.2, "incomplete_multi_window_data"),
  ...strikes("team_defense_zone_analysis", "NYK", "2024-12-20", ["2024-12-21T04:00:00.1Z", "2024-12-22T04:00:00.1Z", "2024-12-23T04:00:00.1Z"], 60),
];

/** The RESET row the original script leaves (its DELETE removed the key's other rows). */
export const RESET_ROW = {
  ...KEYS.reset,
  n: 0,
  at: "2025-01-15T09:00:00.424242Z",
  pct: 0,
  notes: "RESET: All previous attempts deleted by dana on 2025-01-15 09:00:00 UTC. Reason: roster fix. Previous attempts: 3",
};

/** The name each shape writes in reprocess_attempts. */
export function writtenName(shape: Shape, processor: ProcessorName): string {
  return shape === "original" ? getProcessor(processor).pipelineName : processor;
}

/** A timestamp as the shape writes it: microseconds (Python) or milliseconds (the console). */
export function stamp(shape: Shape, iso: string): string {
  if (shape === "original") return iso;
  return new Date(Date.parse(iso)).toISOString();
}

/** The game id a shape's box-score tables use. */
export const boxGameId = (shape: Shape, g: Game) => (shape === "original" ? boxId(g) : g.nbaId);

/** The instant `iso` in milliseconds (what a comparison at the console's precision sees). */
export const msOf = (iso: string) => Date.parse(iso);

/** The cooldown end the Python processor writes: now + 7 days computed a moment BEFORE attempted_at. */
export const untilOf = (at: string) => new Date(Date.parse(addDaysToInstant(at, 7)) - 3).toISOString();

// ---------------------------------------------------------------------------------------------
// Writing

interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

async function columnsOf(wh: Warehouse, table: string): Promise<ColumnInfo[]> {
  const [schema, name] = table.split(".") as [string, string];
  const rows = await wh.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = @schema AND table_name = @name ORDER BY ordinal_position",
    { params: { schema, name }, types: { schema: "STRING", name: "STRING" } },
  );
  if (rows.length === 0) throw new Error(`no table ${table}`);
  return rows.map((r) => ({ name: r.column_name, type: r.data_type, notNull: r.is_nullable === "NO", hasDefault: r.column_default !== null }));
}

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return "NULL";
  if (type.endsWith("[]")) {
    const inner = type.slice(0, -2);
    return `[${(value as unknown[]).map((v) => literal(v, inner)).join(", ")}]::${type}`;
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return `CAST(${String(value)} AS ${type})`;
  return `CAST('${String(value).replaceAll("'", "''")}' AS ${type})`;
}

function payloadFiller(type: string, column: string): unknown {
  if (type.endsWith("[]")) return [];
  if (type === "VARCHAR") return `${column}-filler`;
  if (type === "BOOLEAN") return false;
  if (type === "DATE") return "2000-01-01";
  if (type.startsWith("TIMESTAMP")) return "2000-01-01T00:00:00Z";
  return 0;
}

/**
 * Insert rows into a table of either shape: keys the table lacks are dropped, NOT NULL columns
 * without a default that a row does not give get a stand-in value (payload columns the reads never
 * touch). Values go in as typed SQL literals, so timestamps keep their microseconds.
 */
export async function insertRows(wh: Warehouse, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = await columnsOf(wh, table);
  const names = new Set(rows.flatMap((r) => Object.keys(r)));
  const used = columns.filter((c) => names.has(c.name) || (c.notNull && !c.hasDefault));
  const values = rows.map(
    (r) => `(${used.map((c) => literal(c.name in r ? r[c.name] : c.notNull ? payloadFiller(c.type, c.name) : null, c.type)).join(", ")})`,
  );
  for (let i = 0; i < values.length; i += 500) {
    await wh.execute(`INSERT INTO ${table} (${used.map((c) => c.name).join(", ")}) VALUES ${values.slice(i, i + 500).join(",\n")}`);
  }
}

function outputRow(shape: Shape, o: OutputFact): Record<string, unknown> {
  const def = getProcessor(o.processor);
  const at = stamp(shape, o.writtenAt);
  const row: Record<string, unknown> = {
    [def.entityColumn]: o.entity,
    [def.dateColumn]: o.date,
    expected_games_count: o.expected,
    actual_games_count: o.actual,
    completeness_percentage: o.pct,
    missing_games_count: o.expected === null || o.actual === null ? null : Math.max(0, o.expected - o.actual),
    is_production_ready: o.ready,
    backfill_bootstrap_mode: o.bootstrap ?? false,
    processing_decision_reason: o.reason ?? "processed_successfully",
    season_boundary_detected: false,
    circuit_breaker_active: false,
    manual_override_required: false,
    reprocess_attempt_count: 0,
  };
  // When written: the table's written-at columns (the feature store: created_at and updated_at).
  for (const c of def.writtenAt) row[c] = at;
  if (def.name === "player_composite_factors") Object.assign(row, { analysis_date: o.date, game_id: "20250116_LAL_BOS" });
  if (def.name === "ml_feature_store") Object.assign(row, { game_id: "20250116_LAL_BOS", feature_count: 25, feature_version: "v2_25features", data_source: "phase4" });
  if (def.entityColumn === "player_lookup" && def.dateColumn === "game_date" && def.name === "upcoming_player_game_context") {
    Object.assign(row, { team_abbr: PLAYERS.find((p) => p.player === o.entity)?.stints.at(-1)?.team ?? "LAL", opponent_team_abbr: "GSW", game_id: "20250114_GSW_LAL" });
  }
  if (def.name === "upcoming_team_game_context") Object.assign(row, { opponent_team_abbr: "GSW", game_id: "20250114_GSW_LAL", season_year: 2024, home_game: true });
  if (def.multiWindow) {
    const windows = o.windows ?? all(def.windows.map((w) => w.id));
    for (const w of def.windows) {
      row[`${w.id}_completeness_pct`] = windows[w.id]![0];
      row[`${w.id}_is_complete`] = windows[w.id]![1];
    }
    row.all_windows_complete = def.windows.every((w) => windows[w.id]![1]);
  }
  return row;
}

function attemptRowOf(shape: Shape, a: AttemptFact): Record<string, unknown> {
  const def = getProcessor(a.processor);
  return {
    processor_name: writtenName(shape, a.processor),
    entity_id: def.entityKind === "team_game" ? `${a.entity}_${a.date}` : a.entity,
    analysis_date: a.date,
    attempt_number: a.n,
    attempted_at: stamp(shape, a.at),
    completeness_pct: a.pct,
    skip_reason: a.skipReason,
    circuit_breaker_tripped: a.tripped,
    circuit_breaker_until: a.tripped ? stamp(shape, untilOf(a.at)) : null,
    manual_override_applied: false,
    notes: `Attempt ${a.n}: ${(a.pct ?? 0).toFixed(1)}% complete`,
  };
}

/** Write the whole dataset in the given shape. */
export async function writeDataset(wh: Warehouse, shape: Shape): Promise<void> {
  const season = { season: "2024-25", season_nba_format: "2024-25", season_year: 2024 };
  await insertRows(
    wh,
    "nba_raw.nbac_schedule",
    SCHEDULE_ROWS.map((g) => ({
      game_id: g.nbaId,
      game_code: `${g.date.replaceAll("-", "")}/${g.away}${g.home}`,
      ...season,
      game_date: g.date,
      game_status: g.status,
      game_status_text: g.statusText,
      home_team_tricode: g.home,
      away_team_tricode: g.away,
      processed_at: stamp(shape, `${g.date}T12:00:00.000001Z`),
      created_at: stamp(shape, `${g.date}T12:00:00.000001Z`),
    })),
  );
  const box = (r: BoxRow) => ({
    game_id: boxGameId(shape, r.game),
    game_date: r.game.date,
    season_year: 2024,
    player_lookup: r.player,
    team_abbr: r.team,
    opponent_team_abbr: r.team === r.game.home ? r.game.away : r.game.home,
  });
  await insertRows(
    wh,
    "nba_raw.bdl_player_boxscores",
    BOX_ROWS.map((r) => ({
      ...box(r),
      is_postseason: false,
      home_team_abbr: r.game.home,
      away_team_abbr: r.game.away,
      player_full_name: r.player,
      minutes: r.minutes,
      // the raw box scores arrive with the game's other rows (never NULL in the original)
      processed_at: stamp(shape, arrivalOf(r.game.date)),
      created_at: stamp(shape, arrivalOf(r.game.date)),
    })),
  );
  await insertRows(
    wh,
    "nba_analytics.player_game_summary",
    BOX_ROWS.filter((r) => r.summary).map((r) => ({
      ...box(r),
      minutes_played: 31.2,
      starter_flag: true,
      win_flag: false,
      is_active: true,
      processed_at: r.processedAt === null ? null : stamp(shape, r.processedAt),
    })),
  );
  await insertRows(
    wh,
    "nba_analytics.team_defense_game_summary",
    GAMES.filter((g) => g.status === 3).flatMap((g) =>
      [g.home, g.away].map((team) => ({
        game_id: boxGameId(shape, g),
        game_date: g.date,
        season_year: 2024,
        defending_team_abbr: team,
        opponent_team_abbr: team === g.home ? g.away : g.home,
        home_game: team === g.home,
        processed_at: stamp(shape, arrivalOf(g.date)),
      })),
    ),
  );
  for (const processor of new Set(OUTPUTS.map((o) => o.processor))) {
    await insertRows(wh, getProcessor(processor).table, OUTPUTS.filter((o) => o.processor === processor).map((o) => outputRow(shape, o)));
  }
  await insertRows(wh, "nba_orchestration.reprocess_attempts", ATTEMPTS.map((a) => attemptRowOf(shape, a)));
  // The original override script: UPDATE the key's tripped rows, two columns, nothing else.
  for (const a of ATTEMPTS.filter((x) => x.flagOverride)) {
    await wh.execute(
      `UPDATE nba_orchestration.reprocess_attempts SET manual_override_applied = TRUE, notes = '${a.flagOverride!.notes}' ` +
        `WHERE processor_name = '${writtenName(shape, a.processor)}' AND entity_id = '${a.entity}' AND analysis_date = DATE '${a.date}' AND circuit_breaker_tripped = TRUE`,
    );
  }
  // The original reset script: a RESET row, then DELETE the key's other rows.
  const k = KEYS.reset;
  await insertRows(wh, "nba_orchestration.reprocess_attempts", [
    ...strikes(k.processor, k.entity, k.date, ["2025-01-13T04:15:00.1Z", "2025-01-14T04:15:00.1Z", "2025-01-15T04:15:00.1Z"], 70).map((a) => attemptRowOf(shape, a)),
    {
      processor_name: writtenName(shape, k.processor),
      entity_id: k.entity,
      analysis_date: k.date,
      attempt_number: 0,
      attempted_at: stamp(shape, RESET_ROW.at),
      completeness_pct: 0,
      skip_reason: "RESET",
      circuit_breaker_tripped: false,
      circuit_breaker_until: null,
      manual_override_applied: true,
      notes: RESET_ROW.notes,
    },
  ]);
  await wh.execute(
    `DELETE FROM nba_orchestration.reprocess_attempts WHERE processor_name = '${writtenName(shape, k.processor)}' AND entity_id = '${k.entity}' ` +
      `AND analysis_date = DATE '${k.date}' AND notes NOT LIKE 'RESET:%'`,
  );
}
