import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { addDays } from "./dates";
import { getProcessor, type WindowSpec } from "./processors";
import { ownReadiness } from "./readiness";
import {
  type CompletenessData,
  type GameStatus,
  type PlayerTeamRow,
  type ScheduleGame,
  completenessPct,
  computeBatch,
  computeEntityCompleteness,
  indexSchedule,
  parseTeamGameKey,
  playerTeamOn,
  presence,
  roundPct,
  teamGameKey,
  windowById,
} from "./windows";

const game = (game_id: string, game_date: string, home: string, away: string, status: GameStatus = 3): ScheduleGame => ({
  game_id,
  game_date,
  status,
  home,
  away,
});
const gamesW = (size: number): WindowSpec => ({ id: `l${size}`, kind: "games", size });
const daysW = (size: number): WindowSpec => ({ id: `l${size}d`, kind: "days", size });

// ---------------------------------------------------------------------------------------------
// A 6-team round robin: a game day every other day from opening night (2024-10-22), every team
// plays on every game day, home and away alternate. 20 game days → 20 games per team, the last
// on 2024-11-29. Analysis date 2024-12-01: each team's L15 is its games of days 5..19.

const OPENING = "2024-10-22";
const PAIRINGS = [
  [["LAL", "GSW"], ["BOS", "NYK"], ["MIA", "PHX"]],
  [["LAL", "BOS"], ["GSW", "MIA"], ["NYK", "PHX"]],
  [["GSW", "BOS"], ["LAL", "NYK"], ["MIA", "PHX"]],
] as const;

function roundRobin(days = 20): ScheduleGame[] {
  const out: ScheduleGame[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(OPENING, 2 * i);
    PAIRINGS[i % 3]!.forEach(([a, b], j) => {
      const [home, away] = i % 2 === 0 ? [a, b] : [b, a];
      out.push(game(`00224${String(i * 3 + j).padStart(5, "0")}`, date, home, away));
    });
  }
  return out;
}

const RR = roundRobin();
const RR_DATE = "2024-12-01";
const datesOf = (team: string) => RR.filter((g) => g.home === team || g.away === team).map((g) => g.game_date);
const TDZA = getProcessor("team_defense_zone_analysis");

function teamBatch(present: Record<string, string[]>) {
  const data: CompletenessData = {
    schedule: RR,
    present: new Map(Object.entries(present).map(([team, dates]) => [team, presence({ dates })])),
  };
  return computeBatch(data, { kind: "team", entities: ["LAL", "GSW", "BOS"], date: RR_DATE, windows: TDZA.windows });
}

describe("batch — the original's 3 tests, corrected semantics", () => {
  it("test_completeness_batch_all_complete", () => {
    // The original mocked expected = actual = 17/16/18 for an L15 window: the window size was
    // ignored and the count was season-to-date, and with every team in the list its CASE WHEN
    // credited each game to the home team only (~200% completeness).
    // Corrected: the last 15 final games, home and away, so expected is 15 for each team.
    const result = teamBatch({ LAL: datesOf("LAL"), GSW: datesOf("GSW"), BOS: datesOf("BOS") });
    for (const team of ["LAL", "GSW", "BOS"]) {
      const w = windowById(result.get(team)!, "l15");
      expect(w).toMatchObject({ expected: 15, actual: 15, missing: 0, completenessPct: 100, pctRounded: 100, isComplete: true });
      expect(ownReadiness(result.get(team)!, 90).ready).toBe(true);
    }
    // LAL's window holds home AND away games, including games against other listed teams.
    const lal = RR.filter((g) => windowById(result.get("LAL")!, "l15").from! <= g.game_date && g.game_date < RR_DATE);
    const last15 = lal.filter((g) => g.home === "LAL" || g.away === "LAL").slice(-15);
    expect(last15.some((g) => g.home === "LAL")).toBe(true);
    expect(last15.some((g) => g.away === "LAL")).toBe(true);
  });

  it("test_completeness_batch_partial_data", () => {
    const recent = (team: string, n: number) => datesOf(team).slice(-15).slice(0, n);
    const result = teamBatch({ LAL: datesOf("LAL"), GSW: recent("GSW", 10), BOS: recent("BOS", 5) });
    expect(windowById(result.get("LAL")!, "l15")).toMatchObject({ expected: 15, actual: 15, pctRounded: 100 });
    expect(ownReadiness(result.get("LAL")!, 90).ready).toBe(true);
    expect(windowById(result.get("GSW")!, "l15")).toMatchObject({ expected: 15, actual: 10, missing: 5, pctRounded: 66.7, isComplete: false });
    expect(ownReadiness(result.get("GSW")!, 90).ready).toBe(false);
    expect(windowById(result.get("BOS")!, "l15")).toMatchObject({ expected: 15, actual: 5, missing: 10, pctRounded: 33.3, isComplete: false });
    expect(ownReadiness(result.get("BOS")!, 90).ready).toBe(false);
    // The missing games are named, newest five for GSW.
    expect(windowById(result.get("GSW")!, "l15").missingGames.map((g) => g.game_date)).toEqual(datesOf("GSW").slice(-5));
  });

  it("test_completeness_batch_missing_entity", () => {
    // GSW has no upstream rows at all: 0%, not ready, 15 missing (expected > 0, so not null).
    const result = teamBatch({ LAL: datesOf("LAL"), BOS: datesOf("BOS") });
    expect(windowById(result.get("GSW")!, "l15")).toMatchObject({ expected: 15, actual: 0, missing: 15, completenessPct: 0, pctRounded: 0 });
    expect(ownReadiness(result.get("GSW")!, 90).ready).toBe(false);
  });
});

describe("window boundaries", () => {
  const team = (windows: WindowSpec[], date: string, present: string[], schedule = RR) =>
    computeEntityCompleteness(
      { schedule, present: new Map([["LAL", presence({ dates: present })]]) },
      { kind: "team", entity: "LAL", date, windows },
    );

  it("games window: the last N final games strictly before the date (not on it)", () => {
    const lastDay = "2024-11-29"; // LAL plays on every game day, including this one
    const r = team([gamesW(5)], lastDay, []);
    const w = r.windows[0]!;
    expect(w.expected).toBe(5);
    expect(w.missingGames.map((g) => g.game_date)).toEqual(["2024-11-19", "2024-11-21", "2024-11-23", "2024-11-25", "2024-11-27"]);
  });

  it("games window: never reaches into the previous season", () => {
    const schedule = [...RR, game("0022301200", "2024-04-14", "LAL", "BOS"), game("0022301201", "2024-04-12", "GSW", "LAL")];
    const r = team([gamesW(10)], "2024-10-27", [], schedule);
    // Opening night 10-22: LAL played 10-22, 10-24 and 10-26 this season.
    expect(r.windows[0]).toMatchObject({ expected: 3, from: OPENING, to: "2024-10-26" });
  });

  it("days window of N: exactly [date − N, date − 1]", () => {
    // L7d on 2024-11-08 covers 11-01..11-07: LAL played 11-01, 11-03, 11-05 and 11-07 (10-30 is outside).
    const r = team([daysW(7)], "2024-11-08", []);
    expect(r.windows[0]).toMatchObject({ from: "2024-11-01", to: "2024-11-07", expected: 4 });
    // On a game day the day itself is excluded: L2d on 11-07 covers 11-05..11-06 → one game.
    expect(team([daysW(2)], "2024-11-07", []).windows[0]!.expected).toBe(1);
  });

  it("season-start date: on opening night nothing is expected yet; the next day one game is", () => {
    const onOpening = team([gamesW(10), daysW(7)], OPENING, []);
    for (const w of onOpening.windows) expect(w).toMatchObject({ expected: 0, noGamesExpected: true, completenessPct: null });
    expect(team([gamesW(10)], "2024-10-23", [OPENING]).windows[0]).toMatchObject({ expected: 1, actual: 1, completenessPct: 100 });
  });
});

describe("zero expected games", () => {
  it("is no gap: noGamesExpected, completeness null (not 0%), complete, and ready", () => {
    // A 10-day break with no LAL games; the original reported 0% and not ready.
    const schedule = [game("1", "2024-11-01", "LAL", "BOS"), game("2", "2024-11-20", "LAL", "GSW")];
    const r = computeEntityCompleteness({ schedule, present: new Map() }, { kind: "team", entity: "LAL", date: "2024-11-15", windows: [daysW(7)] });
    expect(r.windows[0]).toMatchObject({
      expected: 0,
      actual: 0,
      missing: 0,
      completenessPct: null,
      pctRounded: null,
      isComplete: true,
      noGamesExpected: true,
      missingGames: [],
    });
    expect(ownReadiness(r, 90)).toMatchObject({ ready: true, noGamesExpected: true, blockingWindows: [] });
  });

  it("a player with no game before the date has no team and nothing expected", () => {
    const r = computeEntityCompleteness(
      { schedule: RR, present: new Map(), playerTeams: [] },
      { kind: "player", entity: "rookie", date: RR_DATE, windows: [gamesW(10), daysW(7)] },
    );
    expect(r.team).toBeNull();
    for (const w of r.windows) expect(w).toMatchObject({ team: null, expected: 0, noGamesExpected: true, completenessPct: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Players: DNP, a trade mid-window, a postponed game.

const PLAYER_SCHEDULE: ScheduleGame[] = [
  game("g1", "2024-11-01", "LAL", "PHX"),
  game("g2", "2024-11-03", "GSW", "LAL"),
  game("g6", "2024-11-04", "LAL", "MIA"),
  game("g3", "2024-11-05", "LAL", "MIA"),
  game("g4", "2024-11-07", "LAL", "NYK", 1), // postponed: still "scheduled"
  game("g5", "2024-11-09", "PHX", "LAL"),
  game("b1", "2024-11-02", "BOS", "NYK"),
  game("b2", "2024-11-04", "MIA", "BOS"),
  game("b3", "2024-11-06", "BOS", "PHX"),
  game("b4", "2024-11-08", "GSW", "BOS"),
  game("x1", "2024-11-08", "NYK", "PHX", 2), // in progress: never expected
];

const HISTORY: PlayerTeamRow[] = [
  { player: "lebronjames", game_date: "2024-11-01", team: "LAL" },
  { player: "lebronjames", game_date: "2024-11-03", team: "LAL" },
  { player: "lebronjames", game_date: "2024-11-04", team: "LAL" },
  { player: "dennisschroder", game_date: "2024-11-01", team: "LAL" },
  { player: "dennisschroder", game_date: "2024-11-03", team: "LAL" },
  { player: "dennisschroder", game_date: "2024-11-04", team: "LAL" },
  { player: "dennisschroder", game_date: "2024-11-08", team: "BOS" }, // traded; first BOS game 11-06 below
  { player: "dennisschroder", game_date: "2024-11-06", team: "BOS" },
];

const PLAYER_DATA: CompletenessData = {
  schedule: PLAYER_SCHEDULE,
  present: new Map([
    ["lebronjames", presence({ dates: ["2024-11-01", "2024-11-03", "2024-11-04"] })],
    ["dennisschroder", presence({ dates: ["2024-11-01", "2024-11-03", "2024-11-04", "2024-11-06", "2024-11-08"] })],
  ]),
  teamBoxScores: new Map([
    ["LAL", presence({ dates: ["2024-11-01", "2024-11-03", "2024-11-04", "2024-11-05"] })], // 11-09 box score missing
    ["BOS", presence({ dates: ["2024-11-02", "2024-11-06", "2024-11-08"] })], // 11-04 box score missing
  ]),
  playerTeams: HISTORY,
};

const player = (entity: string, date: string, windows: WindowSpec[]) =>
  computeEntityCompleteness(PLAYER_DATA, { kind: "player", entity, date, windows });

describe("players", () => {
  it("a DNP game counts as present when the team's box score exists, and is listed", () => {
    // LAL finals before 11-10: g1, g2, g6, g3, g5 (g4 postponed). LeBron has rows for the first
    // three; g3 (11-05) he did not play but LAL's box score exists → DNP, present; g5 (11-09)
    // has no box score at all → a real gap.
    const w = player("lebronjames", "2024-11-10", [gamesW(5)]).windows[0]!;
    expect(w).toMatchObject({ team: "LAL", expected: 5, actual: 4, missing: 1, completenessPct: 80, isComplete: false });
    expect(w.dnpGames).toEqual([{ game_id: "g3", game_date: "2024-11-05", opponent: "MIA", reason: "dnp" }]);
    expect(w.missingGames).toEqual([{ game_id: "g5", game_date: "2024-11-09", opponent: "PHX" }]);
  });

  it("without team box scores an absent player row is a gap", () => {
    const r = computeEntityCompleteness(
      { ...PLAYER_DATA, teamBoxScores: undefined },
      { kind: "player", entity: "lebronjames", date: "2024-11-10", windows: [gamesW(5)] },
    );
    expect(r.windows[0]).toMatchObject({ expected: 5, actual: 3, missing: 2, dnpGames: [] });
  });

  it("a postponed (not final) game is never expected", () => {
    const w = player("lebronjames", "2024-11-10", [daysW(4)]).windows[0]!;
    // [11-06, 11-09]: g4 on 11-07 was postponed, so only g5 is expected.
    expect(w.expected).toBe(1);
    expect(w.missingGames.map((g) => g.game_id)).toEqual(["g5"]);
  });

  it("a postponed game counts once, on the date it was finally played", () => {
    const schedule = [...PLAYER_SCHEDULE, game("g4", "2024-11-12", "LAL", "NYK")];
    const idx = indexSchedule(schedule).get("LAL")!;
    expect(idx.filter((g) => g.game_id === "g4").map((g) => g.game_date)).toEqual(["2024-11-12"]);
    const r = computeEntityCompleteness(
      { ...PLAYER_DATA, schedule },
      { kind: "player", entity: "lebronjames", date: "2024-11-13", windows: [gamesW(10)] },
    );
    expect(r.windows[0]!.expected).toBe(6);
  });

  it("a stale final row of a rescheduled game keeps only the latest date, whatever the row order", () => {
    const stale = game("g9", "2024-11-10", "LAL", "NYK");
    const played = game("g9", "2024-11-11", "LAL", "NYK");
    for (const schedule of [[stale, played], [played, stale]]) {
      expect(indexSchedule(schedule).get("LAL")!.map((g) => g.game_date)).toEqual(["2024-11-11"]);
    }
  });

  it("a trade mid-window: the window is the new team's games; before joining, only its box score counts", () => {
    expect(playerTeamOn(HISTORY, "dennisschroder", "2024-11-10")).toEqual({ team: "BOS", since: "2024-11-06" });
    const w = player("dennisschroder", "2024-11-10", [gamesW(5)]).windows[0]!;
    // BOS finals before 11-10: b1, b2, b3, b4. b3 and b4 are his. b1 and b2 predate his stint:
    // b1's BOS box score exists (counted, "before_joining"); b2 has none, and his own row that
    // day (11-04) is from LAL's game g6, so it cannot account for BOS's game → missing.
    expect(w).toMatchObject({ team: "BOS", expected: 4, actual: 3, missing: 1, completenessPct: 75 });
    expect(w.dnpGames).toEqual([{ game_id: "b1", game_date: "2024-11-02", opponent: "NYK", reason: "before_joining" }]);
    expect(w.missingGames).toEqual([{ game_id: "b2", game_date: "2024-11-04", opponent: "MIA" }]);
  });

  it("a trade: the team is the one of the most recent game STRICTLY before the date", () => {
    // On 11-06 (his first BOS game day) his last game before it was LAL's on 11-04.
    expect(player("dennisschroder", "2024-11-06", [gamesW(3)]).team).toBe("LAL");
    expect(player("dennisschroder", "2024-11-07", [gamesW(3)]).team).toBe("BOS");
  });

  it("matches upstream rows by game_id as well as by date", () => {
    const r = computeEntityCompleteness(
      { schedule: PLAYER_SCHEDULE, present: new Map([["LAL", presence({ gameIds: ["g1", "g2"], dates: ["2024-11-04"] })]]) },
      { kind: "team", entity: "LAL", date: "2024-11-10", windows: [gamesW(10)] },
    );
    expect(r.windows[0]).toMatchObject({ expected: 5, actual: 3 });
  });
});

describe("team-game entities (UTGC)", () => {
  const UTGC = getProcessor("upcoming_team_game_context");

  it("parses and builds LAL_2024-12-15 keys", () => {
    expect(parseTeamGameKey("LAL_2024-12-15")).toEqual({ team: "LAL", gameDate: "2024-12-15" });
    expect(parseTeamGameKey("lebronjames")).toBeNull();
    expect(parseTeamGameKey("LAL_2024-12-1")).toBeNull();
    expect(teamGameKey("LAL", "2024-12-15")).toBe("LAL_2024-12-15");
  });

  it("uses days windows of the key's team before the key's game date", () => {
    const data: CompletenessData = { schedule: PLAYER_SCHEDULE, present: new Map([["LAL", presence({ dates: ["2024-11-03", "2024-11-04", "2024-11-05", "2024-11-09"] })]]) };
    const r = computeEntityCompleteness(data, { kind: "team_game", entity: "LAL_2024-11-10", date: "2024-11-10", windows: UTGC.windows });
    expect(r.team).toBe("LAL");
    expect(windowById(r, "l7d")).toMatchObject({ from: "2024-11-03", to: "2024-11-09", expected: 4, actual: 4 });
    expect(windowById(r, "l14d")).toMatchObject({ expected: 5, actual: 4, missingGames: [{ game_id: "g1", game_date: "2024-11-01", opponent: "PHX" }] });
  });

  it("rejects a malformed key or a key for another date", () => {
    const data: CompletenessData = { schedule: [], present: new Map() };
    expect(() => computeEntityCompleteness(data, { kind: "team_game", entity: "LAL", date: "2024-11-10", windows: [] })).toThrow(RangeError);
    expect(() => computeEntityCompleteness(data, { kind: "team_game", entity: "LAL_2024-11-09", date: "2024-11-10", windows: [] })).toThrow(RangeError);
  });
});

describe("percentages", () => {
  it("rounds to one decimal, half away from zero, like BigQuery ROUND", () => {
    expect(roundPct(89.96)).toBe(90);
    expect(roundPct((2 / 3) * 100)).toBe(66.7);
    expect(roundPct(31.25)).toBe(31.3); // Python's round() gave 31.2
    expect(roundPct(0)).toBe(0);
  });

  it("is null with nothing expected and clamped to 0..100 otherwise", () => {
    expect(completenessPct(0, 0)).toBeNull();
    expect(completenessPct(3, 0)).toBeNull();
    expect(completenessPct(20, 10)).toBe(100);
    expect(completenessPct(9, 10)).toBe(90);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random schedules and upstream data

const TEAMS = ["LAL", "BOS", "GSW", "NYK"];

const scheduleArb = fc
  .array(
    fc.record({
      day: fc.integer({ min: -10, max: 60 }),
      home: fc.integer({ min: 0, max: 3 }),
      offset: fc.integer({ min: 1, max: 3 }),
      status: fc.constantFrom<GameStatus>(1, 2, 3, 3, 3),
    }),
    { maxLength: 80 },
  )
  .map((rows) =>
    rows.map((r, i) => game(`G${i}`, addDays(OPENING, r.day), TEAMS[r.home]!, TEAMS[(r.home + r.offset) % 4]!, r.status)),
  );

const windowArb = fc.record({ kind: fc.constantFrom<"games" | "days">("games", "days"), size: fc.integer({ min: 0, max: 20 }) }).map(
  (w): WindowSpec => ({ id: `w${w.size}${w.kind}`, ...w }),
);

describe("properties", () => {
  it("0 ≤ completeness ≤ 100, missing = expected − actual ≥ 0, and the counts match the listed games", () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.subarray(TEAMS),
        fc.array(fc.integer({ min: -10, max: 60 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 70 }),
        fc.array(windowArb, { minLength: 1, maxLength: 4 }),
        (schedule, presentTeams, presentDays, dateOffset, windows) => {
          const dates = presentDays.map((d) => addDays(OPENING, d));
          const data: CompletenessData = { schedule, present: new Map(presentTeams.map((t) => [t, presence({ dates })])) };
          const date = addDays(OPENING, dateOffset);
          for (const team of TEAMS) {
            const r = computeEntityCompleteness(data, { kind: "team", entity: team, date, windows });
            for (const w of r.windows) {
              expect(w.missing).toBe(w.expected - w.actual);
              expect(w.missing).toBeGreaterThanOrEqual(0);
              expect(w.missingGames.length).toBe(w.missing);
              expect(w.noGamesExpected).toBe(w.expected === 0);
              if (w.completenessPct === null) expect(w.expected).toBe(0);
              else {
                expect(w.completenessPct).toBeGreaterThanOrEqual(0);
                expect(w.completenessPct).toBeLessThanOrEqual(100);
              }
              // Independent count straight from the raw schedule (game ids are unique here): a
              // team's final games, one per date (two final rows of a team on a date are one game).
              const finals = [
                ...new Map(
                  schedule
                    .filter((g) => g.status === 3 && (g.home === team || g.away === team) && g.game_date < date)
                    .map((g) => [g.game_date, g] as const),
                ).values(),
              ];
              const expected =
                w.kind === "days"
                  ? // Days windows never reach before opening night (a preseason game is never expected).
                    finals.filter((g) => g.game_date >= addDays(date, -w.size) && g.game_date >= OPENING).length
                  : Math.min(w.size, finals.filter((g) => g.game_date >= OPENING).length);
              expect(w.expected).toBe(expected);
            }
          }
        },
      ),
    );
  });
});
