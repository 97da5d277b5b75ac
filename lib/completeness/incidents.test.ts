import { describe, expect, it } from "vitest";

import type { BreakerRowInput } from "./breaker";
import {
  type KeyCause,
  type MissingRow,
  dateSpan,
  groupIncidents,
  incidentKeyString,
  keyStreak,
  missingRowId,
  outageDates,
  outageRuns,
  sufficientCauses,
} from "./incidents";
import type { ProcessorName } from "./processors";

const PGS = "nba_analytics.player_game_summary";
const TDGS = "nba_analytics.team_defense_game_summary";

/** Schedule game dates of the examples: Dec 1–9 with no games on Dec 6. */
const GAME_DATES = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-07", "2026-12-08", "2026-12-09"];

const gap = (date: string, team: string, table = PGS): MissingRow => ({ table, game_id: `g-${date}-${team}`, game_date: date, team, player: null });
const row = (date: string, team: string, player: string): MissingRow => ({ table: PGS, game_id: `g-${date}-${team}`, game_date: date, team, player });

/** A key failing at `failedAt` whose one window of `expected` games lacked `missing`. */
function key(processor: ProcessorName, entity: string, date: string, missing: MissingRow[], opts: Partial<KeyCause> & { expected?: number } = {}): KeyCause {
  const expected = opts.expected ?? 5;
  return {
    processor,
    entity_id: entity,
    analysis_date: date,
    state: "active",
    recovered: false,
    still_missing: "x",
    outcome: null,
    failed_at: `${date}T04:10:00.000Z`,
    tripped_at: `${date}T04:10:00.000Z`,
    trips: [`${date}T04:10:00.000Z`],
    missing,
    windows: missing.length ? [{ expected, actual: expected - missing.length, missing: missing.map(missingRowId) }] : [],
    threshold: 90,
    waits_for: [],
    ...opts,
  };
}

/** Outage dates as the engine finds them: every game of a date absent at the failing checks (no arrival yet). */
const noArrivals = (keys: KeyCause[], allMissing: ReadonlySet<string>) =>
  outageDates(keys, (_table, date) => (allMissing.has(date) ? null : 0));

describe("a key's failing streak", () => {
  const r = (n: number, at: string, fields: Partial<BreakerRowInput>): BreakerRowInput => ({
    attempt_number: n,
    attempted_at: at,
    completeness_pct: 60,
    skip_reason: "incomplete_upstream_data",
    circuit_breaker_tripped: false,
    circuit_breaker_until: null,
    manual_override_applied: false,
    notes: null,
    ...fields,
  });
  const f1 = r(1, "2026-12-02T04:00:00.000Z", {});
  const f2 = r(2, "2026-12-03T04:00:00.000Z", {});
  const trip = r(3, "2026-12-04T04:00:00.000Z", { circuit_breaker_tripped: true, circuit_breaker_until: "2026-12-11T04:00:00.000Z" });
  const override = r(4, "2026-12-05T15:30:00.000Z", { skip_reason: "MANUAL_OVERRIDE", manual_override_applied: true, event_type: "override" });
  const recovery = r(5, "2026-12-06T04:00:00.000Z", { skip_reason: null, event_type: "recovery" });
  const success = r(5, "2026-12-06T04:00:00.000Z", { skip_reason: null, event_type: "success" });

  it("starts at the first failure after the last success and counts its trips", () => {
    const s = keyStreak([trip, f2, f1], "2026-12-05T00:00:00.000Z")!;
    expect(s.first).toBe(f1);
    expect(s.last).toBe(trip);
    expect(s.trips).toEqual(["2026-12-04T04:00:00.000Z"]);
    expect(s.overridden).toBe(false);
  });

  it("is kept after an override that led to a recovery, and over when the key healed by itself or was reset", () => {
    const kept = keyStreak([f1, f2, trip, override, recovery], "2026-12-07T00:00:00.000Z")!;
    expect(kept).toMatchObject({ first: f1, overridden: true, ended: true });
    expect(keyStreak([f1, success], "2026-12-07T00:00:00.000Z")).toBeNull();
    // A reset deletes the key's rows and leaves one attempt-0 RESET row.
    const reset = r(0, "2026-12-05T00:00:00.000Z", { skip_reason: "RESET", manual_override_applied: true });
    expect(keyStreak([reset], "2026-12-07T00:00:00.000Z")).toBeNull();
    const after = r(1, "2026-12-06T04:00:00.000Z", {});
    expect(keyStreak([reset, after], "2026-12-07T00:00:00.000Z")!.first).toBe(after);
  });

  it("restarts with a failure after the streak ended, and ignores rows after now", () => {
    const again = r(6, "2026-12-07T04:00:00.000Z", {});
    expect(keyStreak([f1, trip, override, recovery, again], "2026-12-08T00:00:00.000Z")!.first).toBe(again);
    expect(keyStreak([f1, trip, override, recovery, again], "2026-12-06T12:00:00.000Z")!.first).toBe(f1);
    expect(keyStreak([f1], "2026-12-01T00:00:00.000Z")).toBeNull();
  });
});

describe("sufficient causes", () => {
  it("keeps the causes that alone would have failed a window, else all of them", () => {
    // 10 games: an outage of 2 (80% alone) and one row (90% alone: passes).
    const w = { expected: 10, actual: 7, missing: ["a|", "b|", "c|p"] };
    const causeOf = (id: string) => (id === "c|p" ? "row" : "outage");
    expect(sufficientCauses([w], causeOf, 90)).toEqual(["outage"]);
    // Two single games in a 20-game window: each alone leaves 95%; together 90%… at 85% only together.
    const together = { expected: 20, actual: 17, missing: ["a|", "b|", "c|"] };
    expect(sufficientCauses([together], (id) => id, 90)).toEqual(["a|", "b|", "c|"]);
  });
});

describe("outages", () => {
  it("merges outage dates consecutive in the schedule, across a day without games", () => {
    const runs = outageRuns(new Set(["2026-12-05", "2026-12-07", "2026-12-08"]), GAME_DATES);
    expect(runs.get("2026-12-05")).toEqual({ from: "2026-12-05", to: "2026-12-08" });
    expect(runs.get("2026-12-08")).toBe(runs.get("2026-12-05"));
    expect(runs.has("2026-12-04")).toBe(false);
  });

  it("are dates on which every game was missing at some failing check, not dates with one late game", () => {
    const k = key("player_daily_cache", "p1", "2026-12-06", [gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")]);
    const arrivals = (_t: string, date: string) => (date === "2026-12-03" ? null : date === "2026-12-04" ? Date.parse("2026-12-05T07:00:00Z") * 1000 : 0);
    // Dec 4's first box score arrived before the check: only Dec 3 was wholly missing.
    expect([...outageDates([k], arrivals)]).toEqual(["2026-12-03"]);
  });

  it("make one incident of a 3-day outage although no key's window spans all of its games", () => {
    const dates = new Set(["2026-12-03", "2026-12-04", "2026-12-05"]);
    const keys = [
      key("player_daily_cache", "p1", "2026-12-05", [gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")]),
      key("player_daily_cache", "p2", "2026-12-07", [gap("2026-12-05", "BOS")]),
      key("team_defense_zone_analysis", "NYK", "2026-12-05", [gap("2026-12-04", "NYK", TDGS)], { expected: 2 }),
    ];
    const incidents = groupIncidents(keys, noArrivals(keys, dates), GAME_DATES);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      kind: "upstream_gap",
      keys: 3,
      missing_dates: ["2026-12-03", "2026-12-04", "2026-12-05"],
      teams: ["BOS", "LAL", "NYK"],
      processors: ["team_defense_zone_analysis", "player_daily_cache"],
      upstream_table: PGS,
      cause: "player_game_summary, team_defense_game_summary missing for 4 games, Dec 3–5, 3 teams",
    });
    expect(incidents[0]!.id).toMatch(/^pgs-2026-12-03-[0-9a-f]{6}$/);
  });

  it("keeps a late game on an ordinary date its own incident", () => {
    const keys = [
      key("player_daily_cache", "p1", "2026-12-05", [gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")]),
      key("player_daily_cache", "p3", "2026-12-09", [gap("2026-12-08", "MIA")], { expected: 3 }),
    ];
    const incidents = groupIncidents(keys, new Set(["2026-12-03", "2026-12-04"]), GAME_DATES);
    expect(incidents.map((i) => i.keys)).toEqual([1, 1]);
    expect(incidents.find((i) => i.keys_list[0]!.entity_id === "p3")!.cause).toBe("player_game_summary missing for 1 game, Dec 8, 1 team");
  });
});

describe("a missing player row", () => {
  it("is its own small incident, not merged with an outage the same player's other keys missed", () => {
    const lonely = key("player_daily_cache", "p1", "2026-12-02", [row("2026-12-01", "LAL", "p1")], { expected: 5 });
    const other = key("player_shot_zone_analysis", "p1", "2026-12-02", [row("2026-12-01", "LAL", "p1")], { expected: 5 });
    // A later key of p1: its 10-game window lacks the row AND two outage games (70%); the row
    // alone would leave 90% (ready), so the outage alone explains it.
    const later = key("player_daily_cache", "p1", "2026-12-07", [row("2026-12-01", "LAL", "p1"), gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")], { expected: 10 });
    const incidents = groupIncidents([lonely, other, later], new Set(["2026-12-03", "2026-12-04"]), GAME_DATES);
    expect(incidents).toHaveLength(2);
    const rowIncident = incidents.find((i) => i.kind === "player_row")!;
    expect(rowIncident.keys_list.map(incidentKeyString).sort()).toEqual([incidentKeyString(lonely), incidentKeyString(other)].sort());
    expect(rowIncident.cause).toBe("player_game_summary missing p1's row for LAL's game of Dec 1 (box score there)");
    const outage = incidents.find((i) => i.kind === "upstream_gap")!;
    expect(outage.keys).toBe(1);
    expect(outage.missing_dates).toEqual(["2026-12-03", "2026-12-04"]);
  });
});

describe("a key with several sufficient causes", () => {
  it("is explained by the widest one: a late box score does not tie itself to an outage", () => {
    // A 5-game window missing one late game and one outage game: each alone leaves 80%.
    const both = key("player_daily_cache", "p1", "2026-12-05", [gap("2026-12-01", "LAL"), gap("2026-12-03", "LAL")]);
    const lateOnly = key("player_daily_cache", "p2", "2026-12-02", [gap("2026-12-01", "LAL")]);
    const incidents = groupIncidents([both, lateOnly], new Set(["2026-12-03"]), GAME_DATES);
    expect(incidents.map((i) => [i.keys_list.map((k) => k.entity_id), i.missing_dates])).toEqual([
      [["p2"], ["2026-12-01"]],
      [["p1"], ["2026-12-03"]],
    ]);
  });
});

describe("cascades", () => {
  it("join the incident of the upstream key they waited for, or wait for it as their own incident", () => {
    const pdc = key("player_daily_cache", "p1", "2026-12-05", [gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")]);
    const mlfs = key("ml_feature_store", "p1", "2026-12-05", [], { waits_for: [{ processor: "player_daily_cache", entity_id: "p1", analysis_date: "2026-12-05" }] });
    const waiting = [
      key("ml_feature_store", "p2", "2026-12-05", [], { waits_for: [{ processor: "team_defense_zone_analysis", entity_id: "BOS", analysis_date: "2026-12-05" }] }),
      key("player_composite_factors", "p2", "2026-12-05", [], { waits_for: [{ processor: "team_defense_zone_analysis", entity_id: "BOS", analysis_date: "2026-12-05" }] }),
    ];
    const incidents = groupIncidents([pdc, mlfs, ...waiting], new Set(["2026-12-03", "2026-12-04"]), GAME_DATES);
    expect(incidents).toHaveLength(2);
    const gapIncident = incidents.find((i) => i.kind === "upstream_gap")!;
    expect(gapIncident.processors).toEqual(["player_daily_cache", "ml_feature_store"]);
    const waits = incidents.find((i) => i.kind === "upstream_processor")!;
    expect(waits).toMatchObject({ keys: 2, upstream_table: "nba_precompute.team_defense_zone_analysis", missing_dates: [] });
    expect(waits.id).toMatch(/^tdza-2026-12-05-[0-9a-f]{6}$/);
    expect(waits.cause).toBe("waiting for team_defense_zone_analysis of BOS for Dec 5 (not ready, not failing)");
  });
});

describe("nothing missing", () => {
  it("puts every key that failed with nothing missing in one incident", () => {
    const keys = [key("player_daily_cache", "p1", "2026-12-08", []), key("ml_feature_store", "p2", "2026-12-09", [], { state: "closed", recovered: null })];
    const [incident, ...rest] = groupIncidents(keys, new Set(), GAME_DATES);
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({ id: "nothing-missing", kind: "nothing_missing", keys: 2, open_keys: 1, upstream_table: null, status: "open" });
  });
});

describe("determinism and the view", () => {
  const keys = [
    key("player_daily_cache", "p1", "2026-12-05", [gap("2026-12-03", "LAL"), gap("2026-12-04", "LAL")], { recovered: true }),
    key("player_shot_zone_analysis", "p1", "2026-12-05", [gap("2026-12-04", "LAL")], { expected: 2, state: "closed", recovered: null, outcome: "processed" }),
    key("player_daily_cache", "p9", "2026-12-02", [row("2026-12-01", "MIA", "p9")]),
    key("player_daily_cache", "p5", "2026-12-09", []),
  ];
  const outages = new Set(["2026-12-03", "2026-12-04"]);

  it("gives the same incidents, ids and order whatever order the keys come in", () => {
    const a = groupIncidents(keys, outages, GAME_DATES);
    const b = groupIncidents([...keys].reverse(), outages, GAME_DATES);
    expect(b).toEqual(a);
    expect(a.map((i) => i.id)).toEqual(groupIncidents(keys.slice(0, 2).concat(keys.slice(2)), outages, GAME_DATES).map((i) => i.id));
  });

  it("counts recovered and open keys, trips per day, and orders open incidents worst first", () => {
    const [first] = groupIncidents(keys, outages, GAME_DATES);
    expect(first).toMatchObject({ kind: "upstream_gap", keys: 2, open_keys: 1, recovered_keys: 1, opened_at: "2026-12-05T04:10:00.000Z" });
    expect(first!.trips_by_day).toEqual([{ day: "2026-12-05", trips: 2 }]);
    expect(first!.keys_list.map((k) => k.outcome)).toEqual(["processed", null]);
  });

  it("writes date spans as people read them", () => {
    expect(dateSpan(["2026-12-03"])).toBe("Dec 3");
    expect(dateSpan(["2026-12-03", "2026-12-05"])).toBe("Dec 3–5");
    expect(dateSpan(["2026-12-30", "2027-01-02"])).toBe("Dec 30 – Jan 2");
  });
});
