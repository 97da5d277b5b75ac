/**
 * The production count of completeness windows: the engine reads one row per (entity, candidate
 * game) from the window SQL and `windowsFromGames` turns them into every window's figures. Each
 * expectation below is counted by hand from the rows written out in the test.
 */
import { describe, expect, it } from "vitest";

import type { WindowSpec } from "./processors";
import { type WindowGame, asObservedAt, gameStatus, windowsFromGames } from "./window-games";

const SEASON_START = "2024-10-22";
const games = (size: number): WindowSpec => ({ id: `l${size}`, kind: "games", size });
const days = (size: number): WindowSpec => ({ id: `l${size}d`, kind: "days", size });

type Flags = "present" | "dnp" | "played_no_row" | "no_box";

/** One row as the SQL returns it; `flags` names how the upstream holds the game. */
function row(game_id: string, game_date: string, games_back: number, flags: Flags, extra: Partial<WindowGame> = {}): WindowGame {
  return {
    team: "LAL",
    game_id,
    game_date,
    opponent: "OPP",
    games_back,
    entity_row_present: flags === "present",
    team_box_present: flags !== "no_box",
    played_per_raw: flags === "played_no_row",
    before_joining: false,
    ...extra,
  };
}

const ref = (game_id: string, game_date: string) => ({ game_id, game_date, opponent: "OPP" });

// LAL's last five final games before 2024-11-10, newest first as the SQL orders them.
const LAL_ROWS: WindowGame[] = [
  row("g5", "2024-11-09", 1, "no_box"), // nothing of the game arrived: a gap
  row("g3", "2024-11-05", 2, "dnp"), // the team's box score without him, and he did not play
  row("g6", "2024-11-04", 3, "present"),
  row("g2", "2024-11-03", 4, "present"),
  row("g1", "2024-11-01", 5, "present"),
];

describe("gameStatus", () => {
  it("the entity's own row makes a game present whatever else holds", () => {
    expect(gameStatus(row("a", "2024-11-01", 1, "present"))).toBe("present");
    expect(gameStatus({ ...row("a", "2024-11-01", 1, "present"), team_box_present: false, played_per_raw: true })).toBe("present");
  });

  it("the team's box score without the player's row is a DNP only when the raw box score does not show him playing", () => {
    expect(gameStatus(row("a", "2024-11-01", 1, "dnp"))).toBe("dnp");
    expect(gameStatus(row("a", "2024-11-01", 1, "played_no_row"))).toBe("missing");
    expect(gameStatus(row("a", "2024-11-01", 1, "no_box"))).toBe("missing");
  });
});

describe("windowsFromGames", () => {
  it("counts a games window: present and DNP games count, a game with nothing is missing", () => {
    const { team, windows } = windowsFromGames(LAL_ROWS, [games(5)], "2024-11-10", SEASON_START);
    expect(team).toBe("LAL");
    expect(windows).toEqual([
      {
        id: "l5",
        kind: "games",
        size: 5,
        team: "LAL",
        from: SEASON_START,
        to: "2024-11-09",
        expected: 5,
        actual: 4,
        missing: 1,
        completenessPct: 80,
        pctRounded: 80,
        isComplete: false,
        noGamesExpected: false,
        missingGames: [ref("g5", "2024-11-09")],
        dnpGames: [{ ...ref("g3", "2024-11-05"), reason: "dnp" }],
      },
    ]);
  });

  it("a player who played but whose row is missing is a gap, not a DNP", () => {
    const rows = [row("g2", "2024-11-03", 1, "played_no_row"), row("g1", "2024-11-01", 2, "present")];
    const [w] = windowsFromGames(rows, [games(2)], "2024-11-10", SEASON_START).windows;
    expect(w).toMatchObject({ expected: 2, actual: 1, missing: 1, completenessPct: 50, dnpGames: [], missingGames: [ref("g2", "2024-11-03")] });
  });

  it("the games-window limit: games_back up to the size are in, the next one is out", () => {
    const [l3, l4, l0] = windowsFromGames(LAL_ROWS, [games(3), games(4), games(0)], "2024-11-10", SEASON_START).windows;
    // l3: g5 (missing), g3 (DNP), g6 → 2 of 3, unrounded two thirds.
    expect(l3).toMatchObject({ expected: 3, actual: 2, missing: 1, pctRounded: 66.7, isComplete: false });
    expect(l3!.completenessPct).toBeCloseTo(200 / 3, 10);
    // l4 adds g2 (games_back 4) and not g1 (games_back 5).
    expect(l4).toMatchObject({ expected: 4, actual: 3, completenessPct: 75 });
    // A window of no games expects none.
    expect(l0).toMatchObject({ expected: 0, actual: 0, completenessPct: null, noGamesExpected: true, isComplete: true });
  });

  it("the days-window limit: exactly [date − N, date − 1]", () => {
    const rows = [
      row("d3", "2024-11-09", 1, "present"), // date − 1: in
      row("d2", "2024-11-03", 2, "no_box"), // date − 7: in
      row("d1", "2024-11-02", 3, "present"), // date − 8: out
    ];
    const [w] = windowsFromGames(rows, [days(7)], "2024-11-10", SEASON_START).windows;
    expect(w).toMatchObject({ from: "2024-11-03", to: "2024-11-09", expected: 2, actual: 1, missing: 1, completenessPct: 50 });
    expect(w!.missingGames).toEqual([ref("d2", "2024-11-03")]);
    // A row dated on the analysis date itself is never in a window.
    const onDate = windowsFromGames([row("d4", "2024-11-10", 1, "no_box")], [days(7)], "2024-11-10", SEASON_START).windows[0];
    expect(onDate).toMatchObject({ expected: 0, missing: 0, completenessPct: null });
  });

  it("lists missing and DNP games oldest first, then by game id, whatever the row order", () => {
    const rows = [
      row("b", "2024-11-05", 2, "no_box"),
      row("z", "2024-11-09", 1, "no_box"),
      row("a", "2024-11-05", 3, "no_box"),
      row("c", "2024-11-01", 4, "dnp"),
      row("d", "2024-11-03", 5, "dnp"),
    ];
    const [w] = windowsFromGames(rows, [games(10)], "2024-11-10", SEASON_START).windows;
    expect(w!.missingGames.map((g) => g.game_id)).toEqual(["a", "b", "z"]);
    expect(w!.dnpGames.map((g) => g.game_id)).toEqual(["c", "d"]);
  });

  it("orders by date even when game ids run the other way, and by game id within a date, for any row order", () => {
    const rows = [row("a", "2024-11-09", 1, "no_box"), row("m", "2024-11-05", 2, "no_box"), row("k", "2024-11-05", 3, "no_box"), row("z", "2024-11-01", 4, "no_box")];
    const orders = [rows, [...rows].reverse(), [rows[1]!, rows[3]!, rows[0]!, rows[2]!], [rows[2]!, rows[0]!, rows[3]!, rows[1]!]];
    for (const order of orders) {
      const [w] = windowsFromGames(order, [games(10)], "2024-11-10", SEASON_START).windows;
      expect(w!.missingGames.map((g) => g.game_id)).toEqual(["z", "k", "m", "a"]);
    }
  });

  describe("no games expected", () => {
    it("an entity with no rows has no team, no range and every window null, complete and not blocking", () => {
      const { team, windows } = windowsFromGames([], [games(10), days(7)], "2024-11-10", SEASON_START);
      expect(team).toBeNull();
      for (const [w, spec] of windows.map((x, i) => [x, [games(10), days(7)][i]!] as const)) {
        const none = { team: null, from: null, to: null, expected: 0, actual: 0, missing: 0, completenessPct: null, pctRounded: null };
        expect(w).toEqual({ ...spec, ...none, isComplete: true, noGamesExpected: true, missingGames: [], dnpGames: [] });
      }
    });

    it("a team on a break: rows exist but none in the days window, so the window expects nothing (not 0%)", () => {
      const rows = [row("g1", "2024-11-01", 1, "no_box")];
      const [l7d, l10] = windowsFromGames(rows, [days(7), games(10)], "2024-11-10", SEASON_START).windows;
      expect(l7d).toMatchObject({ team: "LAL", from: "2024-11-03", to: "2024-11-09", expected: 0, completenessPct: null, pctRounded: null, isComplete: true, noGamesExpected: true });
      // The same row is the games window's one (missing) game.
      expect(l10).toMatchObject({ expected: 1, actual: 0, completenessPct: 0, pctRounded: 0, isComplete: false });
    });
  });

  it("a trade inside the window: the new team's games, older ones accounted for only by its box score", () => {
    const bos = (game_id: string, game_date: string, games_back: number, flags: Flags, before_joining: boolean) =>
      row(game_id, game_date, games_back, flags, { team: "BOS", before_joining });
    const rows = [
      bos("b4", "2024-11-08", 1, "present", false),
      bos("b3", "2024-11-06", 2, "present", false),
      bos("b2", "2024-11-04", 3, "no_box", true), // before he joined, and BOS's box score is missing
      bos("b1", "2024-11-02", 4, "dnp", true), // before he joined, BOS's box score is there
    ];
    const { team, windows } = windowsFromGames(rows, [games(5)], "2024-11-10", SEASON_START);
    expect(team).toBe("BOS");
    expect(windows[0]).toMatchObject({ team: "BOS", expected: 4, actual: 3, missing: 1, completenessPct: 75 });
    expect(windows[0]!.dnpGames).toEqual([{ ...ref("b1", "2024-11-02"), reason: "before_joining" }]);
    expect(windows[0]!.missingGames).toEqual([ref("b2", "2024-11-04")]);
  });

  it("a postponed game is expected only on the date it was finally played", () => {
    // Postponed from 11-07 and played 11-12: the SQL returns it as a final game of 11-12 only.
    const rows = [row("g4", "2024-11-12", 1, "no_box"), row("g5", "2024-11-09", 2, "present"), row("g3", "2024-11-05", 3, "present")];
    // On 11-10 the game is not in the rows yet; l4d covers 11-06..11-09 and holds g5 only.
    const before = windowsFromGames(rows.slice(1), [days(4)], "2024-11-10", SEASON_START).windows[0];
    expect(before).toMatchObject({ from: "2024-11-06", to: "2024-11-09", expected: 1, actual: 1, completenessPct: 100 });
    // On 11-13 l4d covers 11-09..11-12: g5 and the rescheduled g4, which is missing.
    const after = windowsFromGames(rows, [days(4)], "2024-11-13", SEASON_START).windows[0];
    expect(after).toMatchObject({ from: "2024-11-09", to: "2024-11-12", expected: 2, actual: 1, completenessPct: 50 });
    expect(after!.missingGames).toEqual([ref("g4", "2024-11-12")]);
  });

  it("season start: fewer games than the window expects only those played, and a days window stops at opening night", () => {
    const rows = [row("o3", "2024-10-26", 1, "present"), row("o2", "2024-10-24", 2, "present"), row("o1", "2024-10-22", 3, "no_box")];
    const [l10, l7d] = windowsFromGames(rows, [games(10), days(7)], "2024-10-27", SEASON_START).windows;
    expect(l10).toMatchObject({ from: SEASON_START, to: "2024-10-26", expected: 3, actual: 2, missing: 1 });
    expect(l10!.completenessPct).toBeCloseTo(200 / 3, 10);
    // 2024-10-27 − 7 days is 10-20, before opening night: the window starts on 10-22.
    expect(l7d).toMatchObject({ from: SEASON_START, to: "2024-10-26", expected: 3, actual: 2 });
    // A preseason game in the rows is never in a days window.
    const withPreseason = [...rows, row("p1", "2024-10-21", 4, "no_box")];
    expect(windowsFromGames(withPreseason, [days(7)], "2024-10-27", SEASON_START).windows[0]).toMatchObject({ expected: 3, actual: 2 });
    // When date − N falls exactly on opening night the window starts there too.
    expect(windowsFromGames(rows, [days(5)], "2024-10-27", SEASON_START).windows[0]).toMatchObject({ from: SEASON_START, expected: 3 });
    // On opening night itself nothing is expected yet.
    expect(windowsFromGames([], [games(10)], SEASON_START, SEASON_START).windows[0]).toMatchObject({ expected: 0, completenessPct: null });
  });

  it("a game returned twice is one game", () => {
    const rows = [row("g2", "2024-11-09", 1, "present"), row("g1", "2024-11-07", 2, "no_box"), row("g1", "2024-11-07", 2, "no_box")];
    const [w] = windowsFromGames(rows, [games(5)], "2024-11-10", SEASON_START).windows;
    expect(w).toMatchObject({ expected: 2, actual: 1, missing: 1, completenessPct: 50 });
    expect(w!.missingGames).toEqual([ref("g1", "2024-11-07")]);
  });
});

describe("asObservedAt", () => {
  const late = row("g1", "2024-11-01", 1, "present", {
    entity_row_arrived_at: "2024-11-02T10:00:00.000Z",
    team_box_arrived_at: "2024-11-02T08:00:00.000Z",
    played_arrived_at: "2024-11-02T09:00:00.000001Z",
    played_per_raw: true,
  });

  it("a flag was true at an instant only if its rows had arrived by then (at the instant counts)", () => {
    expect(asObservedAt(late, "2024-11-02T07:59:59.999Z")).toMatchObject({ entity_row_present: false, team_box_present: false, played_per_raw: false });
    expect(asObservedAt(late, "2024-11-02T08:00:00.000Z")).toMatchObject({ entity_row_present: false, team_box_present: true, played_per_raw: false });
    // Microseconds matter: the raw box score arrived one microsecond after 09:00.
    expect(asObservedAt(late, "2024-11-02T09:00:00.000Z")).toMatchObject({ played_per_raw: false });
    expect(asObservedAt(late, "2024-11-02T09:00:00.000001Z")).toMatchObject({ played_per_raw: true, entity_row_present: false });
    expect(asObservedAt(late, "2024-11-02T10:00:00.000Z")).toMatchObject({ entity_row_present: true, team_box_present: true, played_per_raw: true });
  });

  it("an unrecorded arrival counts as always there, and a false flag stays false", () => {
    const unrecorded = row("g1", "2024-11-01", 1, "dnp");
    expect(asObservedAt(unrecorded, "2000-01-01T00:00:00.000Z")).toMatchObject({ entity_row_present: false, team_box_present: true, played_per_raw: false });
    expect(asObservedAt({ ...unrecorded, entity_row_arrived_at: null }, "2000-01-01T00:00:00.000Z").entity_row_present).toBe(false);
  });

  it("keeps everything else of the game", () => {
    const seen = asObservedAt(late, "2024-11-03T00:00:00.000Z");
    expect(seen).toEqual(late);
  });
});
