import { describe, expect, it } from "vitest";

import { type BreakerStatus } from "./breaker";
import { getProcessor } from "./processors";
import {
  type DecisionInput,
  PROCESSING_DECISION_REASONS,
  SKIP_REASONS,
  cascadeReadiness,
  dataQualityIssues,
  decide,
  isWindowReady,
  normalizeSkipReason,
  ownReadiness,
  thresholdFor,
  windowColumnValues,
  writtenProductionReady,
} from "./readiness";
import { type WindowResult, completenessPct, roundPct } from "./windows";

/** A window result from counts, as windows.ts would produce it. */
function win(id: string, actual: number, expected: number, missingDates: string[] = []): WindowResult {
  const pct = completenessPct(actual, expected);
  return {
    id,
    kind: id.endsWith("d") ? "days" : "games",
    size: 10,
    team: "LAL",
    from: null,
    to: null,
    expected,
    actual,
    missing: expected - actual,
    completenessPct: pct,
    pctRounded: pct === null ? null : roundPct(pct),
    isComplete: actual >= expected,
    noGamesExpected: expected === 0,
    missingGames: missingDates.map((game_date, i) => ({ game_id: `m${i}`, game_date, opponent: "BOS" })),
    dnpGames: [],
  };
}

describe("threshold", () => {
  it("compares the unrounded value: 89.96 is stored as 90.0 but is not ready", () => {
    const w = { ...win("l10", 9, 10), completenessPct: 89.96, pctRounded: roundPct(89.96) };
    expect(w.pctRounded).toBe(90);
    expect(isWindowReady(w, 90)).toBe(false);
    expect(isWindowReady(win("l10", 9, 10), 90)).toBe(true); // exactly 90 is ready
  });

  it("from counts: 26/29 = 89.66% → 89.7 stored, not ready", () => {
    const w = win("l30d", 26, 29);
    expect(w.pctRounded).toBe(89.7);
    expect(isWindowReady(w, 90)).toBe(false);
  });

  it("comes from the registry, or from a per-processor override", () => {
    expect(thresholdFor("player_daily_cache")).toBe(90);
    expect(thresholdFor("player_daily_cache", { player_daily_cache: 70 })).toBe(70);
    expect(thresholdFor(getProcessor("ml_feature_store"), { player_daily_cache: 70 })).toBe(90);
    // The override applies: 8/10 is ready at 70, not at 90.
    expect(ownReadiness({ windows: [win("l10", 8, 10)] }, thresholdFor("player_daily_cache", { player_daily_cache: 70 })).ready).toBe(true);
  });
});

describe("own readiness", () => {
  it("multi-window: ready only when every window is", () => {
    const r = ownReadiness({ windows: [win("l5", 5, 5), win("l10", 8, 10), win("l7d", 3, 3), win("l14d", 6, 6)] }, 90);
    expect(r).toMatchObject({ ready: false, blockingWindows: ["l10"], noGamesExpected: false });
    expect(ownReadiness({ windows: [win("l5", 5, 5), win("l10", 9, 10)] }, 90).ready).toBe(true);
  });

  it("windows with no games expected do not block", () => {
    const r = ownReadiness({ windows: [win("l5", 5, 5), win("l7d", 0, 0), win("l14d", 2, 2)] }, 90);
    expect(r).toMatchObject({ ready: true, blockingWindows: [], noGamesExpected: false });
    expect(r.windows.find((w) => w.id === "l7d")).toMatchObject({ ready: true, noGamesExpected: true, completenessPct: null });
  });

  it("every window empty: ready, and says no games were expected (the original: 0%, not ready)", () => {
    expect(ownReadiness({ windows: [win("l7d", 0, 0), win("l14d", 0, 0)] }, 90)).toMatchObject({ ready: true, noGamesExpected: true });
  });

  it("lists own gaps as missing_game_YYYY-MM-DD, each date once, ascending", () => {
    const r = ownReadiness({ windows: [win("l10", 8, 10, ["2024-11-05", "2024-11-01"]), win("l7d", 3, 4, ["2024-11-05"])] }, 90);
    expect(r.issues).toEqual(["missing_game_2024-11-01", "missing_game_2024-11-05"]);
  });
});

describe("cascade readiness", () => {
  it("PCF is ready only when all four upstream rows are ready", () => {
    const all = {
      player_shot_zone_analysis: true,
      team_defense_zone_analysis: true,
      upcoming_player_game_context: true,
      upcoming_team_game_context: true,
    };
    expect(cascadeReadiness("player_composite_factors", all)).toEqual({ ready: true, notReady: [], issues: [] });
    expect(cascadeReadiness("player_composite_factors", { ...all, team_defense_zone_analysis: false })).toEqual({
      ready: false,
      notReady: ["team_defense_zone_analysis"],
      issues: ["upstream_team_defense_zone_incomplete"],
    });
  });

  it("a missing upstream row (absent or null) is not ready; issue strings are the original's", () => {
    expect(cascadeReadiness("player_composite_factors", { player_shot_zone_analysis: null }).issues).toEqual([
      "upstream_player_shot_zone_incomplete",
      "upstream_team_defense_zone_incomplete",
      "upstream_player_context_incomplete",
      "upstream_team_context_incomplete",
    ]);
    expect(cascadeReadiness("ml_feature_store", {}).issues).toEqual([
      "upstream_player_daily_cache_incomplete",
      "upstream_player_composite_factors_incomplete",
      "upstream_player_shot_zone_incomplete",
      "upstream_team_defense_zone_incomplete",
    ]);
  });

  it("a processor without dependencies is cascade-ready", () => {
    expect(cascadeReadiness("team_defense_zone_analysis", {}).ready).toBe(true);
  });

  it("data_quality_issues: own gaps first, then upstreams", () => {
    const own = ownReadiness({ windows: [win("l10", 9, 10, ["2024-11-05"])] }, 90);
    const cascade = cascadeReadiness("ml_feature_store", {
      player_daily_cache: true,
      player_composite_factors: false,
      player_shot_zone_analysis: true,
      team_defense_zone_analysis: true,
    });
    expect(dataQualityIssues(own, cascade)).toEqual(["missing_game_2024-11-05", "upstream_player_composite_factors_incomplete"]);
  });
});

describe("is_production_ready as written", () => {
  it("a key skipped for its active breaker is written not ready, whatever its data; processed keys carry their readiness", () => {
    const base = { own: { ready: true, noGamesExpected: false }, cascade: { ready: true }, multiWindow: false, bootstrap: false };
    const skipped = decide({ ...base, breaker: { status: "active", lastEvent: "trip" } });
    expect(skipped).toMatchObject({ action: "skip_breaker_active", productionReady: true });
    expect(writtenProductionReady(skipped)).toBe(false);
    expect(writtenProductionReady(decide({ ...base, breaker: { status: "closed", lastEvent: null } }))).toBe(true);
    expect(writtenProductionReady(decide({ ...base, own: { ready: false, noGamesExpected: false }, bootstrap: true, breaker: { status: "closed", lastEvent: null } }))).toBe(false);
    expect(writtenProductionReady(decide({ ...base, own: { ready: false, noGamesExpected: false }, breaker: { status: "failing", lastEvent: "failure" } }))).toBe(false);
  });
});

describe("decide", () => {
  const input = (over: Partial<{ own: boolean; noGames: boolean; cascade: boolean; bootstrap: boolean; status: BreakerStatus; last: DecisionInput["breaker"]["lastEvent"]; multi: boolean }> = {}): DecisionInput => ({
    own: { ready: over.own ?? true, noGamesExpected: over.noGames ?? false },
    cascade: { ready: over.cascade ?? true },
    bootstrap: over.bootstrap ?? false,
    breaker: { status: over.status ?? "closed", lastEvent: over.last ?? null },
    multiWindow: over.multi ?? false,
  });

  it("ready → process, processed_successfully, production ready", () => {
    expect(decide(input())).toEqual({
      action: "process",
      reason: "processed_successfully",
      skipReason: null,
      processes: true,
      countsAsFailure: false,
      productionReady: true,
    });
  });

  it("an active breaker wins over everything, and is not a recorded failure", () => {
    for (const bootstrap of [true, false]) {
      expect(decide(input({ status: "active", bootstrap }))).toMatchObject({
        action: "skip_breaker_active",
        reason: "skipped_circuit_breaker_active",
        skipReason: "circuit_breaker_active",
        processes: false,
        countsAsFailure: false,
      });
    }
  });

  it("own data incomplete → skip with the original's skip reasons, single and multi window", () => {
    expect(decide(input({ own: false }))).toMatchObject({ action: "skip_incomplete", skipReason: "incomplete_upstream_data", reason: "skipped_incomplete_upstream_data", countsAsFailure: true, productionReady: false });
    expect(decide(input({ own: false, multi: true })).skipReason).toBe("incomplete_upstream_data_multi_window");
    // Both own and upstream not ready: own data is named first.
    expect(decide(input({ own: false, cascade: false })).action).toBe("skip_incomplete");
  });

  it("upstream processors not ready → skip_upstream_not_ready, incomplete_upstream_dependencies", () => {
    expect(decide(input({ cascade: false }))).toMatchObject({
      action: "skip_upstream_not_ready",
      reason: "skipped_incomplete_upstream_dependencies",
      skipReason: "incomplete_upstream_dependencies",
      countsAsFailure: true,
      productionReady: false,
    });
  });

  it("bootstrap: incomplete entities are processed and flagged, never failures, and stay not ready", () => {
    for (const [own, cascade] of [[false, true], [true, false], [false, false]] as const) {
      expect(decide(input({ own, cascade, bootstrap: true }))).toEqual({
        action: "process_bootstrap",
        reason: "processed_in_bootstrap_mode",
        skipReason: null,
        processes: true,
        countsAsFailure: false,
        productionReady: false,
      });
    }
  });

  it("nothing expected in any window → process_no_games_expected", () => {
    expect(decide(input({ noGames: true }))).toMatchObject({ action: "process_no_games_expected", reason: "processed_no_games_expected", productionReady: true });
    // ... but upstream readiness still applies.
    expect(decide(input({ noGames: true, cascade: false })).action).toBe("skip_upstream_not_ready");
  });

  it("names the recovery attempt and the first run after an override", () => {
    expect(decide(input({ status: "half_open" }))).toMatchObject({ action: "process", reason: "processed_recovery_attempt" });
    expect(decide(input({ status: "closed", last: "override" }))).toMatchObject({ action: "process", reason: "processed_after_override" });
    // A half-open key that is still incomplete fails (and will re-trip via breaker.ts).
    expect(decide(input({ status: "half_open", own: false }))).toMatchObject({ action: "skip_incomplete", countsAsFailure: true });
  });

  it("only ever uses the documented vocabularies", () => {
    const flags = [true, false];
    const statuses: BreakerStatus[] = ["closed", "failing", "active", "half_open"];
    for (const own of flags) for (const cascade of flags) for (const bootstrap of flags) for (const noGames of flags) for (const status of statuses) {
      const d = decide(input({ own, cascade, bootstrap, noGames, status }));
      expect(PROCESSING_DECISION_REASONS).toContain(d.reason);
      if (d.skipReason !== null) expect(SKIP_REASONS).toContain(d.skipReason);
      expect(d.productionReady).toBe(own && cascade);
    }
  });
});

describe("output columns and vocabulary", () => {
  it("l<N>_is_complete means 'window ready' everywhere; all_windows_complete is their AND", () => {
    const v = windowColumnValues({ windows: [win("l5", 5, 5), win("l10", 9, 10), win("l7d", 0, 0), win("l14d", 5, 6)] }, 90);
    expect(v.windows).toEqual({
      l5: { completenessPct: 100, isComplete: true },
      l10: { completenessPct: 90, isComplete: true },
      l7d: { completenessPct: null, isComplete: true },
      l14d: { completenessPct: 83.3, isComplete: false },
    });
    expect(v.allWindowsComplete).toBe(false);
  });

  it("maps the original's odd skip reasons onto ours when reading", () => {
    expect(normalizeSkipReason("incomplete_own_data")).toBe("incomplete_upstream_data");
    expect(normalizeSkipReason("incomplete_multi_window_data")).toBe("incomplete_upstream_data_multi_window");
    expect(normalizeSkipReason("early_season_placeholder")).toBe("early_season_placeholder");
  });
});
