import { describe, expect, it } from "vitest";

import { type VerdictLiveRecheck, type VerdictStoredRow, verdictOf } from "./entity-verdict";

const shorts = (p: string) => p.toUpperCase();

function live(over: Partial<VerdictLiveRecheck> = {}): VerdictLiveRecheck {
  return {
    threshold: 90,
    primaryWindow: "l10",
    windows: [{ id: "l10", label: "L10 games", missing: 0, completenessPct: 100 }],
    ownReady: true,
    blockingWindows: [],
    cascade: { applies: false, ready: true, notReady: [] },
    bootstrap: false,
    breakerStatus: "active",
    missingGames: [],
    ...over,
  };
}

const stored = (over: Partial<VerdictStoredRow> = {}): VerdictStoredRow => ({ expected: 10, completenessPct: 80, missing: 2, productionReady: false, ...over });

/** Live state with games missing from the primary window (below the threshold). */
const incomplete = (over: Partial<VerdictLiveRecheck> = {}) =>
  live({
    ownReady: false,
    blockingWindows: ["l10"],
    windows: [{ id: "l10", label: "L10 games", missing: 2, completenessPct: 80 }],
    missingGames: ["g1", "g2"],
    ...over,
  });

describe("verdictOf", () => {
  it("active and ready, the stored row not production ready: the data has since arrived, safe", () => {
    const v = verdictOf(stored(), live(), shorts);
    expect(v).toMatchObject({ kind: "override_safe", tone: "ok", headline: "Data has since arrived — an override is safe", storedPct: 80, livePct: 100, stillMissing: 0, readyNow: true });
    expect(v.verdict.safe).toBe(true);
    expect(v.details).toEqual(["L10 games: stored 80% → now 100%.", "2 games of that window arrived since the row was written."]);
  });

  it("active and ready with no stored row, or a production-ready one: the data is ready now, safe", () => {
    expect(verdictOf(null, live(), shorts)).toMatchObject({ kind: "override_safe", headline: "Data is ready now — an override is safe" });
    expect(verdictOf(null, live(), shorts).details).toEqual(["No stored row for this date; now L10 games is 100%."]);
    expect(verdictOf(stored({ completenessPct: 100, missing: 0, productionReady: true }), live(), shorts)).toMatchObject({
      kind: "override_safe",
      headline: "Data is ready now — an override is safe",
      details: ["L10 games: stored 100% → now 100% (unchanged)."],
    });
  });

  it("active with games still missing: not safe, naming the missing games and the blocking window", () => {
    const v = verdictOf(stored({ completenessPct: 80 }), incomplete(), shorts);
    expect(v).toMatchObject({ kind: "not_safe", tone: "bad", headline: "Not safe to override: 2 games still missing", stillMissing: 2, readyNow: false });
    expect(v.details).toEqual(["L10 games: stored 80% → now 80% (unchanged).", "Below the 90% threshold now: L10 games 80%."]);
  });

  it("active, own data ready but upstream processors not: not safe, waiting for them (named in the headline only)", () => {
    const v = verdictOf(null, live({ cascade: { applies: true, ready: false, notReady: ["player_daily_cache"] } }), shorts);
    expect(v).toMatchObject({ kind: "not_safe", headline: "Not safe to override: waiting for upstream: player_daily_cache" });
    expect(v.details).toEqual(["No stored row for this date; now L10 games is 100%."]);
  });

  it("own data and upstreams both not ready: the details name the upstreams too", () => {
    const v = verdictOf(null, incomplete({ cascade: { applies: true, ready: false, notReady: ["player_daily_cache"] } }), shorts);
    expect(v.details).toContain("Upstream processors not ready: PLAYER_DAILY_CACHE.");
  });

  it("a stored row with no games expected says so, and a window with none expected reads 'no games expected'", () => {
    const v = verdictOf(stored({ expected: 0, completenessPct: null, missing: 0 }), live({ windows: [{ id: "l10", label: "L10 games", missing: 0, completenessPct: null }] }), shorts);
    expect(v.details[0]).toBe("L10 games: stored no games expected → now no games expected (unchanged).");
  });

  it("breaker not active: no override needed, the status and the data in the headline", () => {
    expect(verdictOf(null, live({ breakerStatus: "closed" }), shorts)).toMatchObject({
      kind: "breaker_not_active",
      tone: "neutral",
      headline: "Breaker closed — no override needed; ready now",
      readyNow: true,
    });
    expect(verdictOf(null, incomplete({ breakerStatus: "failing" }), shorts)).toMatchObject({
      kind: "breaker_not_active",
      tone: "warn",
      headline: "Breaker failing but not tripped — no override needed; 2 games still missing",
    });
    expect(verdictOf(null, incomplete({ breakerStatus: "half_open", bootstrap: true }), shorts)).toMatchObject({
      kind: "breaker_not_active",
      tone: "neutral",
      headline: "Breaker cooldown over, one retry allowed — no override needed; 2 games still missing (bootstrap: processed anyway)",
    });
  });
});
