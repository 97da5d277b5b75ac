/**
 * The completeness window SQL (sql/completeness/{player,team}_window_games.sql) counted by
 * windowsFromGames (lib/completeness/window-games.ts), checked on a real in-memory DuckDB
 * against the independent reference calculation `computeBatch` (lib/completeness/windows.ts),
 * which receives the SAME facts: the schedule, and the upstream rows that had arrived by
 * observed_at (processed_at ≤ observed_at), presence by game_id.
 *
 * The dataset is small and hand-built so the literal expectations below can be checked by
 * hand. Season 2024 opens 2024-10-22. Four teams (LAL, BOS, GSW, MIA) play every second day
 * from 10-22 to 11-29 ("day d" = 10-22 + 2d, d = 0..19), two games a day, paired by the
 * circle method: LAL meets MIA on d % 3 = 0, BOS on d % 3 = 1, GSW on d % 3 = 2, at home on
 * even days; LAL's game on day d has id 00224000{2d+1}, the other game 2d+2. Then:
 * - d9 (11-09) LAL @ MIA (0022400019) was postponed: it stays status 1 on 11-09 and was made
 *   up on 2024-12-03 as a new game 0022400901 (final).
 * - February 2025: game days 02-04, 02-06, 02-08, 02-10, 02-12, then a break (All-Star style),
 *   then 02-20 and 02-22 (ids 0022400101…).
 * - Games that never count: last season's 2024-04-12 LAL–GSW (0022301200), preseason
 *   2024-10-15 LAL–GSW (0012400010) and 2024-10-18 BOS–MIA (0012400011), all final.
 * - NYK and PHX play each other on the same days (ids 00224{501 + d}), never LAL.
 * Players: lebron (LAL, always plays, also in last season's and the preseason game), reaves
 * (LAL, DNP 10-28), hachimura (LAL, row lost 11-05: the raw box score shows 31:12, no PGS row),
 * knecht (LAL, 11-27 PGS row late: processed 2024-12-05 12:00Z), schroder (NYK through 11-13,
 * LAL from 11-17), dalton (LAL from 2025-02-20), tatum (BOS), butler (MIA), curry (GSW: GSW's
 * whole box score of 11-19 never arrived), brunson (NYK), booker (PHX); for the divergence tests
 * only: brown (GSW last season only, not yet played this season) and russell (BOS through 11-13,
 * so he played against LAL before joining it, LAL from 11-17). Team defense rows: LAL's of 10-28 and 11-15 never arrived; BOS's of 11-25
 * (0022400036) arrived late, 2024-12-02 10:00Z.
 */
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { describe, expect, it } from "vitest";

import { seasonStartFor } from "@/lib/completeness/calendar";
import { addDays } from "@/lib/completeness/dates";
import { type ProcessorDef, type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { type WindowGame, windowsFromGames } from "@/lib/completeness/window-games";
import { type EntityCompleteness, type WindowResult, computeBatch, parseTeamGameKey } from "@/lib/completeness/windows";
import { evaluateProcessorRun } from "@/lib/engine/run-processor";
import { type WindowGameRow, playerWindowGames, teamWindowGames } from "@/lib/queries/completeness";
import {
  type Fate,
  type RosterPlayer,
  type ScheduleRow,
  type Upstream,
  boxScores,
  everyNDays,
  insertUpstream,
  memoryWarehouse,
  referenceData,
  roundRobin,
  scheduleGame,
} from "@/test/support/fixtures";
import { scopedMemoryWarehouse } from "@/test/support/warehouse";

// ---------------------------------------------------------------------------------------------
// The dataset

const TEAMS = ["LAL", "BOS", "GSW", "MIA"];
const EAST = ["NYK", "PHX"];
const ALL_TEAMS = [...TEAMS, ...EAST];
const DAYS = everyNDays("2024-10-22", 20); // d0 = 10-22 … d19 = 11-29
const FEB = ["2025-02-04", "2025-02-06", "2025-02-08", "2025-02-10", "2025-02-12", "2025-02-20", "2025-02-22"];
const lalId = (d: number) => `00224${String(2 * d + 1).padStart(5, "0")}`;
const otherId = (d: number) => `00224${String(2 * d + 2).padStart(5, "0")}`;
const POSTPONED = lalId(9); // 0022400019, LAL @ MIA on 11-09
const MAKEUP = "0022400901"; // the same matchup, played 2024-12-03
const nykId = (d: number) => `00224${String(501 + d).padStart(5, "0")}`; // NYK–PHX on day d

function buildSchedule(): ScheduleRow[] {
  const regular = roundRobin(TEAMS, DAYS, "00224", 1).map((g) => (g.game_id === POSTPONED ? { ...g, game_status: 1 as const } : g));
  return [
    scheduleGame("0022301200", "2024-04-12", "LAL", "GSW"), // last season
    scheduleGame("0012400010", "2024-10-15", "LAL", "GSW"), // preseason, final
    scheduleGame("0012400011", "2024-10-18", "BOS", "MIA"), // preseason, final
    ...regular,
    scheduleGame(MAKEUP, "2024-12-03", "MIA", "LAL"),
    ...roundRobin(TEAMS, FEB, "00224", 101),
    // A second pair of teams on the same days, so a trade can come from a team that never met LAL.
    ...roundRobin(EAST, DAYS, "00224", 501),
  ];
}

const SCHEDULE = buildSchedule();
const LATE_AT = "2024-12-05T12:00:00.000Z";
const fates = (entries: [string, Fate][]): Record<string, Fate> => Object.fromEntries(entries);

const ROSTER: RosterPlayer[] = [
  { player: "lebron", stints: [{ team: "LAL" }] },
  { player: "reaves", stints: [{ team: "LAL", from: "2024-10-22" }], fates: fates([[lalId(3), { kind: "dnp" }]]) },
  { player: "hachimura", stints: [{ team: "LAL", from: "2024-10-22" }], fates: fates([[lalId(7), { kind: "lost" }]]) },
  { player: "knecht", stints: [{ team: "LAL", from: "2024-10-22" }], fates: fates([[lalId(18), { kind: "late", processedAt: LATE_AT }]]) },
  {
    player: "schroder",
    stints: [
      { team: "NYK", from: "2024-10-22", to: "2024-11-13" },
      { team: "LAL", from: "2024-11-17" },
    ],
  },
  // Traded from a team that met LAL before the trade; only in the divergence test below.
  {
    player: "russell",
    stints: [
      { team: "BOS", from: "2024-10-22", to: "2024-11-13" },
      { team: "LAL", from: "2024-11-17" },
    ],
  },
  { player: "brunson", stints: [{ team: "NYK" }] },
  { player: "booker", stints: [{ team: "PHX" }] },
  { player: "dalton", stints: [{ team: "LAL", from: "2025-02-20" }] },
  { player: "tatum", stints: [{ team: "BOS" }] },
  { player: "butler", stints: [{ team: "MIA" }] },
  { player: "curry", stints: [{ team: "GSW" }], fates: fates([[lalId(14), { kind: "absent" }]]) }, // d14 = LAL–GSW 11-19
  { player: "brown", stints: [{ team: "GSW", to: "2024-06-30" }] },
];

function buildUpstream(): Upstream {
  const boxes = boxScores(SCHEDULE, ROSTER, {
    // GSW's whole box score of 11-19 is missing; LAL's defense rows of 10-28 and 11-15 too.
    noTeamBox: new Set([`${lalId(14)}|GSW`, `${lalId(3)}|LAL`, `${lalId(12)}|LAL`]),
    tdgsProcessedAt: { [`${otherId(17)}|BOS`]: "2024-12-02T10:00:00.000Z" },
  });
  return { schedule: SCHEDULE, ...boxes };
}

const UP = buildUpstream();
const PLAYERS = ["lebron", "reaves", "hachimura", "knecht", "schroder", "dalton", "tatum", "butler", "curry", "brunson", "booker"];

// ---------------------------------------------------------------------------------------------
// The two paths

const wh = scopedMemoryWarehouse({ seed: (db) => insertUpstream(db, UP) });

function teamOf(def: ProcessorDef, entity: string): string {
  if (def.entityKind === "team") return entity;
  return parseTeamGameKey(entity)!.team;
}

/** The SQL's per-game rows, with the parameters the engine uses (run-processor readWindowGames). */
async function sqlRows(def: ProcessorDef, date: string, entities: readonly string[], observedAt: string): Promise<WindowGameRow[]> {
  const maxGames = Math.max(0, ...def.windows.filter((w) => w.kind === "games").map((w) => w.size));
  const maxDays = Math.max(0, ...def.windows.filter((w) => w.kind === "days").map((w) => w.size));
  const common = {
    analysis_date: date,
    season_start: seasonStartFor(date),
    days_from: addDays(date, -maxDays),
    max_games: maxGames,
    observed_at: observedAt,
  };
  if (def.entityKind === "player") {
    return playerWindowGames.run(wh, { ...common, players: [...entities] }, { upstream_table: def.upstream.table });
  }
  return teamWindowGames.run(wh, {
    ...common,
    teams: [...new Set(entities.map((e) => teamOf(def, e)))],
    presence_from_schedule: def.upstream.kind === "schedule",
  });
}

/** SQL + windowsFromGames, per entity. */
async function viaSql(processor: ProcessorName, date: string, entities: readonly string[], observedAt: string) {
  const def = getProcessor(processor);
  const rows = await sqlRows(def, date, entities, observedAt);
  const groups = new Map<string, WindowGame[]>();
  for (const r of rows) groups.set(r.entity_id, [...(groups.get(r.entity_id) ?? []), r]);
  const out = new Map<string, { team: string | null; windows: WindowResult[] }>();
  for (const e of entities) {
    const key = def.entityKind === "player" ? e : teamOf(def, e);
    out.set(e, windowsFromGames(groups.get(key) ?? [], def.windows, date, seasonStartFor(date)));
  }
  return out;
}

const REFERENCE_UPSTREAM = {
  "nba_analytics.player_game_summary": "player_game_summary",
  "nba_raw.bdl_player_boxscores": "bdl_player_boxscores",
  "nba_analytics.team_defense_game_summary": "team_defense_game_summary",
  "nba_raw.nbac_schedule": "schedule",
} as const;

function viaReference(processor: ProcessorName, date: string, entities: readonly string[], observedAt: string): Map<string, EntityCompleteness> {
  const def = getProcessor(processor);
  const upstream = REFERENCE_UPSTREAM[def.upstream.table as keyof typeof REFERENCE_UPSTREAM];
  return computeBatch(referenceData(UP, { upstream, observedAt }), { kind: def.entityKind, entities, date, windows: def.windows });
}

/** What must agree between the two paths for one window. */
function comparable(w: WindowResult) {
  return {
    id: w.id,
    team: w.team,
    from: w.from,
    to: w.to,
    expected: w.expected,
    actual: w.actual,
    missing: w.missing,
    completenessPct: w.completenessPct,
    pctRounded: w.pctRounded,
    isComplete: w.isComplete,
    noGamesExpected: w.noGamesExpected,
    missingGames: [...w.missingGames].sort((a, b) => (a.game_id < b.game_id ? -1 : 1)),
    dnpGameIds: w.dnpGames.map((g) => g.game_id).sort(),
  };
}

function entitiesFor(processor: ProcessorName, date: string): string[] {
  const def = getProcessor(processor);
  if (def.entityKind === "player") return PLAYERS;
  if (def.entityKind === "team") return ALL_TEAMS;
  return ALL_TEAMS.map((t) => `${t}_${date}`);
}

async function windowsOf(processor: ProcessorName, date: string, entity: string, observedAt = `${date}T12:00:00.000Z`) {
  const sql = (await viaSql(processor, date, [entity], observedAt)).get(entity)!;
  const byId = (id: string) => sql.windows.find((w) => w.id === id)!;
  return { team: sql.team, windows: sql.windows, w: byId };
}

// ---------------------------------------------------------------------------------------------
// The comparison over the whole dataset

const DATES = ["2024-10-25", "2024-11-08", "2024-11-12", "2024-11-16", "2024-11-22", "2024-11-30", "2024-12-04", "2025-02-20", "2025-02-23"];
const PROCESSORS: ProcessorName[] = [
  "team_defense_zone_analysis",
  "player_shot_zone_analysis",
  "player_daily_cache",
  "upcoming_player_game_context",
  "upcoming_team_game_context",
];

/** Every date of the fixture: both paths clip days windows at opening night. */
function comparableDates(_processor: ProcessorName): string[] {
  return DATES;
}

describe("window SQL + windowsFromGames agree with the reference computeBatch", () => {
  // Two observation instants per date: the run's own morning (late rows not there yet) and
  // months later (everything arrived).
  const cases = PROCESSORS.flatMap((p) =>
    comparableDates(p).flatMap((date) => [`${date}T12:00:00.000Z`, "2025-06-01T00:00:00.000Z"].map((observedAt) => ({ p, date, observedAt }))),
  );

  it.each(cases)("$p on $date observed $observedAt: every entity and window", async ({ p, date, observedAt }) => {
    const entities = entitiesFor(p, date);
    const sql = await viaSql(p, date, entities, observedAt);
    const ref = viaReference(p, date, entities, observedAt);
    for (const e of entities) {
      const s = sql.get(e)!;
      const r = ref.get(e)!;
      // A team with no game in any window gets no SQL rows, and windowsFromGames then reports
      // team/from/to as null where the reference names the team and the range (noted in the
      // report: cosmetic, the counts agree). Everything else must be identical.
      const teamWithoutRows = getProcessor(p).entityKind !== "player" && s.team === null;
      const refWindows = r.windows.map((w) => (teamWithoutRows ? { ...w, team: null, from: null, to: null } : w));
      expect({ entity: e, team: s.team }).toEqual({ entity: e, team: teamWithoutRows ? null : r.team });
      expect(s.windows.map(comparable), `${p} ${e} ${date}`).toEqual(refWindows.map(comparable));
    }
  });

  it("the comparison is not vacuous: it covers gaps, DNP credits and empty windows", async () => {
    // Proves the dataset exercises every branch the comparison is meant to check.
    const seen = { missing: 0, dnp: 0, none: 0, full: 0 };
    for (const { p, date } of PROCESSORS.flatMap((p) => comparableDates(p).map((date) => ({ p, date })))) {
      const sql = await viaSql(p, date, entitiesFor(p, date), `${date}T12:00:00.000Z`);
      for (const { windows } of sql.values()) {
        for (const w of windows) {
          if (w.missing > 0) seen.missing++;
          if (w.dnpGames.length > 0) seen.dnp++;
          if (w.noGamesExpected) seen.none++;
          if (w.expected > 0 && w.actual === w.expected) seen.full++;
        }
      }
    }
    expect(seen.missing).toBeGreaterThan(10);
    expect(seen.dnp).toBeGreaterThan(10);
    expect(seen.none).toBeGreaterThan(3);
    expect(seen.full).toBeGreaterThan(10);
  });

  it("the engine's evaluateProcessorRun returns the same windows as the SQL path", async () => {
    // The engine reads the same SQL with the same parameters: its outcomes carry these windows.
    for (const p of ["player_daily_cache", "team_defense_zone_analysis", "upcoming_team_game_context"] as const) {
      const date = "2024-11-30";
      const now = `${date}T12:00:00.000Z`;
      const entities = entitiesFor(p, date);
      const run = await evaluateProcessorRun(wh, { deployment: CONSOLE_DEPLOYMENT, processor: p, date, entities, now });
      const sql = await viaSql(p, date, entities, now);
      for (const o of run.outcomes) expect(o.windows.map(comparable)).toEqual(sql.get(o.entity)!.windows.map(comparable));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-computed literals

describe("hand-computed numbers", () => {
  it("a team's games are its home AND away games: 15 expected in L15, never above 100%", async () => {
    // LAL's finals before 11-30 are d0..d19 minus the postponed d9 (19 games); L15 = d4..d19
    // minus d9 = 10-30 … 11-29: home on even days d4,d6,…,d18 (8), away d5,d7,d11,…,d19 (7).
    // LAL's defense row of d12 (11-15, 0022400025) never arrived → 14/15 = 93.33… → 93.3.
    // (The original credited each game to the home team: 8 expected, 14 present = 175%.)
    const lal = (await windowsOf("team_defense_zone_analysis", "2024-11-30", "LAL")).w("l15");
    expect(lal).toMatchObject({ expected: 15, actual: 14, missing: 1, pctRounded: 93.3, isComplete: false });
    expect(lal.completenessPct).toBeCloseTo((14 / 15) * 100, 10);
    expect(lal.missingGames).toEqual([{ game_id: lalId(12), game_date: "2024-11-15", opponent: "MIA" }]);
    const rows = (await sqlRows(getProcessor("team_defense_zone_analysis"), "2024-11-30", ["LAL"], "2024-11-30T12:00:00.000Z")).filter(
      (r) => r.games_back <= 15,
    );
    const home = rows.filter((r) => SCHEDULE.find((g) => g.game_id === r.game_id)!.home_team_tricode === "LAL");
    expect([home.length, rows.length - home.length]).toEqual([8, 7]);

    // BOS plays all 20 days; L15 = d5..d19. Its 11-25 row (0022400036) arrives 12-02 10:00Z:
    // 14/15 on the morning of 11-30, 15/15 = 100 (not more) once it has arrived.
    expect((await windowsOf("team_defense_zone_analysis", "2024-11-30", "BOS")).w("l15")).toMatchObject({
      expected: 15,
      actual: 14,
      missingGames: [{ game_id: otherId(17), game_date: "2024-11-25", opponent: "MIA" }],
    });
    expect((await windowsOf("team_defense_zone_analysis", "2024-11-30", "BOS", "2024-12-03T00:00:00.000Z")).w("l15")).toMatchObject({
      expected: 15,
      actual: 15,
      completenessPct: 100,
      pctRounded: 100,
    });
  });

  it("last N games: older games and games on/after the analysis date are ignored", async () => {
    // On 11-29 (a LAL game day) L15 = the 15 finals before it: d18 back to d3 minus d9 =
    // 10-28 … 11-27. The 11-29 game itself and d0..d2 are outside. Missing: d3 (10-28) and d12
    // (11-15), whose defense rows never arrived → 13/15 = 86.67 → 86.7. (On 11-30, d3 drops out
    // of the window and only d12 is missing: 14/15, test above.)
    const l15 = (await windowsOf("team_defense_zone_analysis", "2024-11-29", "LAL")).w("l15");
    expect(l15).toMatchObject({ expected: 15, actual: 13, missing: 2, pctRounded: 86.7 });
    expect(l15.missingGames.map((g) => g.game_id)).toEqual([lalId(3), lalId(12)]);
    const rows = (await sqlRows(getProcessor("team_defense_zone_analysis"), "2024-11-29", ["LAL"], "2024-11-29T12:00:00.000Z")).filter(
      (r) => r.games_back <= 15,
    );
    const dates = rows.map((r) => r.game_date).sort();
    expect([dates[0], dates.at(-1)]).toEqual(["2024-10-28", "2024-11-27"]);
    expect(rows.some((r) => r.game_id === lalId(19))).toBe(false); // the 11-29 game
  });

  it("days windows are exactly [date − N, date − 1]; a lost row is a gap, a DNP is not", async () => {
    // PDC on 11-08 for hachimura (LAL). LAL's finals before 11-08: d0..d8 (9 games, 10-22 …
    // 11-07). His 11-05 (d7, 0022400015) row is lost: the raw box score shows 31:12, no PGS row.
    //   L5  = d4..d8                      → 4/5 = 80
    //   L10 = only 9 games this season    → 8/9 = 88.89 → 88.9 (last season's and preseason games
    //         are never counted)
    //   L7d = [11-01, 11-07] = d5,d6,d7,d8 → 3/4 = 75
    //   L14d= [10-25, 11-07] = d2..d8      → 6/7 = 85.71 → 85.7
    const h = await windowsOf("player_daily_cache", "2024-11-08", "hachimura");
    expect(h.team).toBe("LAL");
    expect(h.w("l5")).toMatchObject({ expected: 5, actual: 4, pctRounded: 80 });
    expect(h.w("l10")).toMatchObject({ expected: 9, actual: 8, pctRounded: 88.9 });
    expect(h.w("l7d")).toMatchObject({ from: "2024-11-01", to: "2024-11-07", expected: 4, actual: 3, pctRounded: 75 });
    expect(h.w("l14d")).toMatchObject({ from: "2024-10-25", to: "2024-11-07", expected: 7, actual: 6, pctRounded: 85.7 });
    for (const w of h.windows) {
      expect(w.missingGames.map((g) => g.game_id)).toEqual([lalId(7)]);
      expect(w.dnpGames).toEqual([]);
    }
    // reaves: DNP on 10-28 (d3, 0022400007): raw minutes "0:00", no PGS row, LAL's box score is
    // there (lebron's row) → present and listed as a DNP: L14d 7/7, L10 9/9; L5 (d4..d8) does not
    // contain d3.
    const r = await windowsOf("player_daily_cache", "2024-11-08", "reaves");
    expect(r.w("l14d")).toMatchObject({ expected: 7, actual: 7, missing: 0, completenessPct: 100 });
    expect(r.w("l14d").dnpGames).toEqual([{ game_id: lalId(3), game_date: "2024-10-28", opponent: "MIA", reason: "dnp" }]);
    expect(r.w("l10")).toMatchObject({ expected: 9, actual: 9 });
    expect(r.w("l5").dnpGames).toEqual([]);
  });

  it("a postponed game is never expected on its original date; its make-up game counts once", async () => {
    // 11-12: L7d = [11-05, 11-11] holds d7 (11-05), d8 (11-07), d10 (11-11): 3 games — the
    // 11-09 game stayed status 1. L5 = d10, d8, d7, d6, d5 (skips the postponed d9).
    const on1112 = await windowsOf("player_daily_cache", "2024-11-12", "lebron");
    expect(on1112.w("l7d")).toMatchObject({ expected: 3, actual: 3 });
    expect(on1112.w("l5")).toMatchObject({ expected: 5, actual: 5 });
    // 12-04: L7d = [11-27, 12-03] holds d18 (11-27), d19 (11-29) and the make-up on 12-03.
    const on1204 = await windowsOf("player_daily_cache", "2024-12-04", "lebron");
    expect(on1204.w("l7d")).toMatchObject({ expected: 3, actual: 3 });
    // The SQL never returns the postponed original, for any date.
    for (const date of ["2024-11-10", "2024-11-12", "2024-12-04"]) {
      const rows = await sqlRows(getProcessor("player_daily_cache"), date, ["lebron"], "2025-06-01T00:00:00.000Z");
      expect(rows.some((r) => r.game_id === POSTPONED)).toBe(false);
    }
    const rows = await sqlRows(getProcessor("player_daily_cache"), "2024-12-04", ["lebron"], "2025-06-01T00:00:00.000Z");
    expect(rows.filter((r) => r.game_id === MAKEUP).map((r) => r.game_date)).toEqual(["2024-12-03"]);
  });

  it("a trade mid-window: the new team's games; pre-trade games credited through its box score", async () => {
    // schroder: NYK through 11-13 (d11), absent on 11-15 (d12), LAL from 11-17 (d13).
    // 11-30: his most recent game is LAL's 11-29 → team LAL. L10 = LAL's d10..d19 (11-11 … 11-29).
    // d10, d11, d12 predate his stint: LAL's box score exists and the raw box score does not
    // show him in those games (he played NYK's) → credited: 10/10, three credited games.
    const after = await windowsOf("player_shot_zone_analysis", "2024-11-30", "schroder");
    expect(after.team).toBe("LAL");
    expect(after.w("l10")).toMatchObject({ expected: 10, actual: 10, missing: 0, missingGames: [] });
    expect(after.w("l10").dnpGames.map((g) => g.game_id)).toEqual([lalId(10), lalId(11), lalId(12)]);
    // 11-14: still NYK (last game 11-13), L10 = NYK's d2..d11, all his own rows: 10/10, no credit.
    const before = await windowsOf("player_shot_zone_analysis", "2024-11-14", "schroder");
    expect(before.team).toBe("NYK");
    expect(before.w("l10")).toMatchObject({ expected: 10, actual: 10, dnpGames: [] });
    // 11-16: between the teams his last game is still NYK's 11-13; NYK's 11-15 game (d12) has
    // no row of his and no raw minutes → credited via NYK's box score (brunson's row).
    const between = await windowsOf("player_shot_zone_analysis", "2024-11-16", "schroder");
    expect(between.team).toBe("NYK");
    expect(between.w("l10")).toMatchObject({ expected: 10, actual: 10 });
    expect(between.w("l10").dnpGames.map((g) => g.game_id)).toEqual([nykId(12)]);
  });

  it("no team box score: a game the whole team is missing is a gap for its players", async () => {
    // GSW's 11-19 box score (0022400029) never arrived: curry has no row and nothing credits it.
    // GSW plays every game day, so its finals before 11-22 are d0..d15 and L10 = d6..d15 → 9/10.
    const c = await windowsOf("player_shot_zone_analysis", "2024-11-22", "curry");
    expect(c.w("l10")).toMatchObject({ expected: 10, actual: 9, missing: 1, completenessPct: 90 });
    expect(c.w("l10").missingGames.map((g) => g.game_id)).toEqual([lalId(14)]);
  });

  it("a late row is missing before observed_at reaches it and present after", async () => {
    // knecht's 11-27 row (d18, 0022400037) was processed 2024-12-05 12:00Z, while his raw box
    // score (28:45, the morning after) shows he played → a gap until it lands: L10 on 11-30 =
    // d10..d19, 9/10 = 90; observed after 12-05 12:00Z → 10/10.
    const early = await windowsOf("player_shot_zone_analysis", "2024-11-30", "knecht", "2024-12-05T11:59:59.000Z");
    expect(early.w("l10")).toMatchObject({ expected: 10, actual: 9, pctRounded: 90 });
    expect(early.w("l10").missingGames.map((g) => g.game_id)).toEqual([lalId(18)]);
    const later = await windowsOf("player_shot_zone_analysis", "2024-11-30", "knecht", LATE_AT);
    expect(later.w("l10")).toMatchObject({ expected: 10, actual: 10, missingGames: [] });
  });

  it("zero expected games: a player with no prior game, and a days window over the break", async () => {
    // dalton debuts on 2025-02-20: before that he has no row, no team, nothing expected.
    for (const date of ["2024-11-30", "2025-02-20"]) {
      const d = await windowsOf("player_daily_cache", date, "dalton");
      expect(d.team).toBeNull();
      for (const w of d.windows) {
        expect(w).toMatchObject({ expected: 0, actual: 0, missing: 0, noGamesExpected: true, completenessPct: null, pctRounded: null });
      }
    }
    // lebron on 2025-02-20: L7d = [02-13, 02-19] falls in the break → no games expected (null,
    // not 0%). L14d = [02-06, 02-19] = 02-06, 02-08, 02-10, 02-12 → 4/4. L5 = 02-04 … 02-12.
    // L10 = those 5 + the make-up (12-03) + d19, d18, d17, d16.
    const l = await windowsOf("player_daily_cache", "2025-02-20", "lebron");
    expect(l.w("l7d")).toMatchObject({ expected: 0, noGamesExpected: true, completenessPct: null, pctRounded: null, isComplete: true });
    expect(l.w("l14d")).toMatchObject({ expected: 4, actual: 4 });
    expect(l.w("l5")).toMatchObject({ expected: 5, actual: 5 });
    expect(l.w("l10")).toMatchObject({ expected: 10, actual: 10 });
    // dalton on 02-23: LAL (his 02-20 and 02-22 games); L5 = 02-08 … 02-22: his 2 own rows and 3
    // games before joining, credited through LAL's box score → 5/5.
    const d = await windowsOf("player_daily_cache", "2025-02-23", "dalton");
    expect(d.team).toBe("LAL");
    expect(d.w("l5")).toMatchObject({ expected: 5, actual: 5 });
    expect(d.w("l5").dnpGames).toHaveLength(3);
  });

  it("season start: games before opening night are never counted", async () => {
    // On opening night nothing is expected for a team, whatever last season and the preseason held.
    expect((await windowsOf("team_defense_zone_analysis", "2024-10-22", "LAL")).w("l15")).toMatchObject({
      expected: 0,
      noGamesExpected: true,
      completenessPct: null,
    });
    // 10-25: lebron's L10 holds this season's 10-22 and 10-24 only (not 2024-04-12 or the
    // 10-15 preseason game he also has rows for) → 2/2.
    const l = await windowsOf("player_shot_zone_analysis", "2024-10-25", "lebron");
    expect(l.w("l10")).toMatchObject({ expected: 2, actual: 2 });
    // The SQL's days windows stop at opening night too: PDC L14d on 10-25 = [10-11, 10-24] holds
    // the 10-15 preseason game, which is not counted → 2.
    const pdc = await windowsOf("player_daily_cache", "2024-10-25", "lebron");
    expect(pdc.w("l14d")).toMatchObject({ expected: 2, actual: 2 });
    // And on opening night a player has no game "this season" yet: nothing expected.
    const opener = await windowsOf("player_daily_cache", "2024-10-22", "lebron");
    expect(opener.team).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Where the SQL path and the reference disagree (bugs: the two are meant to be the same rules)

describe("edge cases where the two paths once diverged (fixed: days windows clipped at opening night, this season's team only, a game against the new team before a trade, duplicate final schedule rows)", () => {
  it("a days window reaching before opening night: both paths exclude the preseason", async () => {
    const date = "2024-10-25";
    const observedAt = `${date}T12:00:00.000Z`;
    const sql = (await viaSql("player_daily_cache", date, ["lebron"], observedAt)).get("lebron")!;
    const ref = viaReference("player_daily_cache", date, ["lebron"], observedAt).get("lebron")!;
    // SQL: L14d = 2 (10-22, 10-24). Reference: 3 (+ the 10-15 preseason game).
    expect(ref.windows.map(comparable)).toEqual(sql.windows.map(comparable));
  });

  it("a player whose last game was before the season start: same team and windows", async () => {
    const date = "2024-11-30";
    const observedAt = `${date}T12:00:00.000Z`;
    const sql = (await viaSql("player_shot_zone_analysis", date, ["brown"], observedAt)).get("brown")!;
    const ref = viaReference("player_shot_zone_analysis", date, ["brown"], observedAt).get("brown")!;
    // SQL: team null, 0 expected. Reference: GSW, 10 expected (9 credited as DNPs, 11-19 missing).
    expect({ team: sql.team, windows: sql.windows.map(comparable) }).toEqual({ team: ref.team, windows: ref.windows.map(comparable) });
  });

  it("a player who faced his new team before the trade: same counts on both paths", async () => {
    const date = "2024-11-30";
    const observedAt = `${date}T12:00:00.000Z`;
    const sql = (await viaSql("player_shot_zone_analysis", date, ["russell"], observedAt)).get("russell")!;
    const ref = viaReference("player_shot_zone_analysis", date, ["russell"], observedAt).get("russell")!;
    expect(sql.windows[0]).toMatchObject({ expected: 10, actual: 10, missing: 0 });
    expect(ref.windows[0]).toMatchObject({ expected: 10, actual: 10, missing: 0 }); // reference: 9/10, 11-11 missing
  });

  it("a game_id listed twice as final counts once on both paths", async () => {
    const own = memoryWarehouse();
    try {
      const schedule = [
        scheduleGame("G1", "2024-11-01", "LAL", "BOS"),
        scheduleGame("G9", "2024-11-10", "LAL", "BOS"), // stale row of the rescheduled game
        scheduleGame("G9", "2024-11-12", "LAL", "BOS"),
      ];
      const up: Upstream = { schedule, ...boxScores([schedule[0]!, schedule[2]!], [{ player: "lebron", stints: [{ team: "LAL" }] }]) };
      await insertUpstream(own, up);
      const def = getProcessor("player_shot_zone_analysis");
      const date = "2024-11-14";
      const observedAt = "2025-01-01T00:00:00.000Z";
      const rows = await playerWindowGames.run(
        own,
        { analysis_date: date, season_start: seasonStartFor(date), days_from: date, max_games: 10, observed_at: observedAt, players: ["lebron"] },
        { upstream_table: def.upstream.table },
      );
      const sql = windowsFromGames(rows, def.windows, date, seasonStartFor(date)).windows[0]!;
      const ref = computeBatch(referenceData(up, { upstream: "player_game_summary", observedAt }), {
        kind: "player",
        entities: ["lebron"],
        date,
        windows: def.windows,
      }).get("lebron")!.windows[0]!;
      expect(ref).toMatchObject({ expected: 2, actual: 2 });
      expect(sql).toMatchObject({ expected: 2, actual: 2 }); // SQL: 3 and 3
    } finally {
      await own.close();
    }
  });

  // The drill-down tells a game before the player joined the team from a DNP (once all "dnp").
  it("a traded player's pre-trade games are labelled before_joining, as in the reference", async () => {
    const after = await windowsOf("player_shot_zone_analysis", "2024-11-30", "schroder");
    expect(after.w("l10").dnpGames.map((g) => g.reason)).toEqual(["before_joining", "before_joining", "before_joining"]);
  });
});
