/**
 * Rules of the reference window calculation that the broader windows tests left free to change
 * (a mutation run changed each of them and every test still passed): the team-game key's
 * anchors, which of two final rows of a team on one date counts, the schedule's order, the
 * player's team on the date, upstream presence known by game id or by date alone, and the
 * window of a player with no team. Every expectation is written out by hand.
 */
import { describe, expect, it } from "vitest";

import type { WindowSpec } from "./processors";
import {
  type CompletenessData,
  type PlayerTeamRow,
  type ScheduleGame,
  computeEntityCompleteness,
  indexSchedule,
  isPresent,
  parseTeamGameKey,
  playerTeamOn,
  presence,
  windowById,
} from "./windows";

const final = (game_id: string, game_date: string, home: string, away: string): ScheduleGame => ({ game_id, game_date, status: 3, home, away });
const l10: WindowSpec = { id: "l10", kind: "games", size: 10 };

describe("team-game keys", () => {
  it("the whole key must be TEAM_YYYY-MM-DD: nothing before or after it", () => {
    expect(parseTeamGameKey("xLAL_2024-12-15")).toBeNull();
    expect(parseTeamGameKey("LAL_2024-12-15x")).toBeNull();
    expect(parseTeamGameKey("LAL_2024-12-15_2")).toBeNull();
  });
});

describe("indexSchedule", () => {
  it("two final rows of a team on one date are one game, the greatest game id, whatever the row order", () => {
    const a = final("0022400100", "2024-11-05", "LAL", "BOS");
    const b = final("0022400200", "2024-11-05", "LAL", "GSW");
    for (const schedule of [[a, b], [b, a]]) {
      expect(indexSchedule(schedule).get("LAL")!.map((g) => g.game_id)).toEqual(["0022400200"]);
    }
  });

  it("lists each team's games by date, whatever the row order and game ids", () => {
    const schedule = [
      final("3", "2024-11-09", "LAL", "BOS"),
      final("9", "2024-11-01", "BOS", "LAL"),
      final("1", "2024-11-05", "LAL", "GSW"),
    ];
    expect(indexSchedule(schedule).get("LAL")!.map((g) => g.game_date)).toEqual(["2024-11-01", "2024-11-05", "2024-11-09"]);
    expect(indexSchedule([...schedule].reverse()).get("LAL")!.map((g) => g.game_id)).toEqual(["9", "1", "3"]);
  });
});

describe("playerTeamOn", () => {
  const history: PlayerTeamRow[] = [
    { player: "mover", game_date: "2024-11-01", team: "BOS" },
    { player: "other", game_date: "2024-11-08", team: "MIA" },
  ];

  it("reads only the player's own rows", () => {
    expect(playerTeamOn(history, "mover", "2024-11-10")).toEqual({ team: "BOS", since: "2024-11-01" });
  });

  it("two teams on the player's last date resolve to the alphabetically last, whatever the row order", () => {
    const same: PlayerTeamRow[] = [
      { player: "p", game_date: "2024-11-01", team: "BOS" },
      { player: "p", game_date: "2024-11-03", team: "LAL" },
      { player: "p", game_date: "2024-11-03", team: "BOS" },
    ];
    expect(playerTeamOn(same, "p", "2024-11-10")?.team).toBe("LAL");
    expect(playerTeamOn([...same].reverse(), "p", "2024-11-10")?.team).toBe("LAL");
  });

  it("orders the history by date, not by row order", () => {
    const rows: PlayerTeamRow[] = [
      { player: "p", game_date: "2024-11-05", team: "LAL" },
      { player: "p", game_date: "2024-11-01", team: "BOS" },
      { player: "p", game_date: "2024-11-03", team: "LAL" },
    ];
    expect(playerTeamOn(rows, "p", "2024-11-10")).toEqual({ team: "LAL", since: "2024-11-03" });
  });
});

describe("a player's team is read from this season's games", () => {
  const calendar = { 2024: "2024-10-22" };
  const schedule = [final("o1", "2024-10-22", "LAL", "BOS"), final("o2", "2024-10-24", "LAL", "GSW")];

  it("a game on opening night itself tells the team", () => {
    const data: CompletenessData = {
      schedule,
      present: new Map(),
      calendar,
      playerTeams: [
        { player: "p", game_date: "2024-04-10", team: "MIA" }, // last season
        { player: "p", game_date: "2024-10-22", team: "LAL" },
      ],
    };
    const r = computeEntityCompleteness(data, { kind: "player", entity: "p", date: "2024-10-23", windows: [l10] });
    expect(r.team).toBe("LAL");
    expect(r.windows[0]).toMatchObject({ team: "LAL", expected: 1 });
  });

  it("last season's team is not this season's: a player with no game yet has an empty window", () => {
    const data: CompletenessData = { schedule, present: new Map(), calendar, playerTeams: [{ player: "p", game_date: "2024-04-10", team: "LAL" }] };
    const r = computeEntityCompleteness(data, { kind: "player", entity: "p", date: "2024-10-25", windows: [l10] });
    expect(r.team).toBeNull();
    expect(r.windows[0]).toEqual({
      ...l10,
      ...{ team: null, from: null, to: null, expected: 0, actual: 0, missing: 0, completenessPct: null, pctRounded: null },
      ...{ isComplete: true, noGamesExpected: true, missingGames: [], dnpGames: [] },
    });
  });
});

describe("upstream presence", () => {
  const g = { game_id: "g1", game_date: "2024-11-01" };

  it("is known by game id alone or by date alone (either set may be absent)", () => {
    expect(isPresent({ gameIds: new Set(["g1"]) }, g)).toBe(true);
    expect(isPresent({ dates: new Set(["2024-11-01"]) }, g)).toBe(true);
    expect(isPresent({ dates: new Set(["2024-11-02"]) }, g)).toBe(false);
    expect(isPresent({}, g)).toBe(false);
    expect(isPresent(undefined, g)).toBe(false);
  });

  it("a presence built from dates only knows no game id", () => {
    expect(presence({ dates: ["2024-11-01"] }).gameIds!.size).toBe(0);
    expect(presence({ gameIds: ["g1"] }).dates!.size).toBe(0);
  });

  it("a player's presence by date only: his rows count, the team box score credits the games he did not play", () => {
    const schedule = [final("g1", "2024-11-01", "LAL", "BOS"), final("g2", "2024-11-03", "LAL", "GSW"), final("g3", "2024-11-05", "LAL", "MIA")];
    const data: CompletenessData = {
      schedule,
      // No gameIds sets anywhere: presence known by date only.
      present: new Map([["p", { dates: new Set(["2024-11-01"]) }]]),
      teamBoxScores: new Map([["LAL", { dates: new Set(["2024-11-01", "2024-11-03", "2024-11-05"]) }]]),
      // A raw box score that lists no game of his (neither set given).
      playedPerRaw: new Map([["p", {}]]),
      playerTeams: [{ player: "p", game_date: "2024-11-01", team: "LAL" }],
    };
    const w = computeEntityCompleteness(data, { kind: "player", entity: "p", date: "2024-11-06", windows: [l10] }).windows[0]!;
    // g1 his row; g2 and g3 the box score without him, and the raw box score does not show him
    // playing: DNPs.
    expect(w).toMatchObject({ expected: 3, actual: 3, missing: 0 });
    expect(w.dnpGames.map((d) => d.game_id)).toEqual(["g2", "g3"]);
  });

  it("before joining, a player's presence with no game ids never counts his own row", () => {
    const schedule = [final("b1", "2024-11-02", "BOS", "NYK"), final("b2", "2024-11-06", "BOS", "PHX")];
    const data: CompletenessData = {
      schedule,
      present: new Map([["p", { dates: new Set(["2024-11-02", "2024-11-06"]) }]]),
      playerTeams: [
        { player: "p", game_date: "2024-11-02", team: "LAL" },
        { player: "p", game_date: "2024-11-06", team: "BOS" },
      ],
    };
    const w = computeEntityCompleteness(data, { kind: "player", entity: "p", date: "2024-11-07", windows: [l10] }).windows[0]!;
    // b1 predates his BOS stint: his 11-02 row is LAL's game, so b1 is missing; b2 is his.
    expect(w).toMatchObject({ team: "BOS", expected: 2, actual: 1, missingGames: [{ game_id: "b1", game_date: "2024-11-02", opponent: "NYK" }] });
  });
});

describe("a player's own rows and the raw box score, by game id", () => {
  // BOS's games; the player came from NYK and joined BOS on 11-06.
  const schedule = [final("b1", "2024-11-02", "BOS", "NYK"), final("b2", "2024-11-04", "BOS", "MIA"), final("b3", "2024-11-06", "BOS", "PHX")];
  const playerTeams: PlayerTeamRow[] = [
    { player: "p", game_date: "2024-11-02", team: "NYK" },
    { player: "p", game_date: "2024-11-06", team: "BOS" },
  ];
  const windowOf = (data: Partial<CompletenessData>) =>
    computeEntityCompleteness({ schedule, present: new Map(), playerTeams, ...data }, { kind: "player", entity: "p", date: "2024-11-07", windows: [l10] }).windows[0]!;

  it("before joining, his row for that very game (he played it for the other side) counts", () => {
    const w = windowOf({ present: new Map([["p", presence({ gameIds: ["b1", "b3"] })]]) });
    // b1 his row by id (for NYK, against BOS); b2 nothing; b3 his row.
    expect(w).toMatchObject({ expected: 3, actual: 2, missingGames: [{ game_id: "b2", game_date: "2024-11-04", opponent: "MIA" }] });
  });

  it("before joining with no presence of his at all, the games are missing, not an error", () => {
    expect(windowOf({})).toMatchObject({ expected: 3, actual: 0, missing: 3 });
  });

  it("a game the raw box score shows him playing is a gap even with the team's box score, not a DNP", () => {
    const w = windowOf({
      present: new Map([["p", presence({ gameIds: ["b3"] })]]),
      teamBoxScores: new Map([["BOS", presence({ dates: ["2024-11-02", "2024-11-04", "2024-11-06"] })]]),
      playedPerRaw: new Map([["p", presence({ gameIds: ["b1"] })]]),
    });
    // b1: the box score is there but he played it (for NYK) and his row is missing: a gap.
    // b2: the box score without him: credited (before joining). b3: his row.
    expect(w).toMatchObject({ expected: 3, actual: 2, missingGames: [{ game_id: "b1", game_date: "2024-11-02", opponent: "NYK" }] });
    expect(w.dnpGames).toEqual([{ game_id: "b2", game_date: "2024-11-04", opponent: "MIA", reason: "before_joining" }]);
  });
});

describe("windowById", () => {
  it("throws a RangeError naming the window and the entity when there is no such window", () => {
    const r = computeEntityCompleteness({ schedule: [], present: new Map() }, { kind: "team", entity: "LAL", date: "2024-11-10", windows: [l10] });
    expect(windowById(r, "l10").id).toBe("l10");
    expect(() => windowById(r, "l5")).toThrow(new RangeError("No window l5 for LAL"));
  });
});
