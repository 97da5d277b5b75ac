/**
 * The override trends (lib/data/override-trends.ts) on hand-built rows whose figures are known:
 * two processors over two ISO weeks, overrides with each outcome (one decided by an output row
 * only, as the original's processors leave it), trips overridden later or never, a key dated
 * too far back to be read, rows after `now` unseen — and a number of queries that does not grow
 * with the number of keys.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { getOverrideTrends } from "@/lib/data/override-trends";
import { BREAKER_TABLES, OUTPUT_TABLES, attemptRow, clearTables, countingWarehouse, insertAttempts } from "@/test/support/fixtures";
import { scopedMemoryWarehouse } from "@/test/support/warehouse";

// Weeks: W1 = Mon 2026-11-30 … Sun 12-06, W2 = Mon 12-07 … Sun 12-13.
const W1 = "2026-11-30";
const W2 = "2026-12-07";
const NOW = "2026-12-14T12:00:00.000Z";
const D = "2026-11-28";

const wh = scopedMemoryWarehouse({ clearEach: [...OUTPUT_TABLES, ...BREAKER_TABLES] });

type Ev = "failure" | "trip" | "override" | "recovery";
/** A key's rows: each [event, instant]. */
async function key(processor: string, entity: string, events: [Ev, string][], date = D) {
  await insertAttempts(
    wh,
    events.map(([event, at], i) =>
      attemptRow({
        processor_name: processor,
        entity_id: entity,
        analysis_date: date,
        attempt_number: i + 1,
        attempted_at: at,
        event_type: event,
        skip_reason: event === "override" ? "MANUAL_OVERRIDE" : event === "recovery" ? null : "incomplete_upstream_data",
        circuit_breaker_tripped: event === "trip",
        circuit_breaker_until: event === "trip" ? addDaysToInstant(at, 7) : null,
        request_id: event === "override" ? `req-${entity}-${i}` : null,
      }),
    ),
  );
}
const at = (date: string, hour = 4) => `${date}T${String(hour).padStart(2, "0")}:00:00.000Z`;

async function seed() {
  const pdc = "player_daily_cache";
  // W1 trip, W1 override, W2 recovery: processed. The trip was overridden later.
  await key(pdc, "a", [["failure", at("2026-11-29")], ["trip", at("2026-12-01")], ["override", at("2026-12-02", 15)], ["recovery", at("2026-12-08")]]);
  // W1 trip, W2 override, next run trips again: re-tripped; that second trip (W2) never overridden.
  await key(pdc, "b", [["trip", at("2026-12-01")], ["override", at("2026-12-08", 15)], ["trip", at("2026-12-09")]]);
  // W2 trip, W2 override, no run since: pending.
  await key(pdc, "c", [["trip", at("2026-12-08")], ["override", at("2026-12-09", 15)]]);
  // W2 trip never overridden.
  await key(pdc, "d", [["trip", at("2026-12-10")]]);
  // W2 override followed by a failure: failed again.
  await key(pdc, "e", [["trip", at("2026-12-03")], ["override", at("2026-12-10", 15)], ["failure", at("2026-12-11")]]);
  // ML feature store under the original's name: W1 trip, W1 override, no success row but the
  // output written as processed after it: processed.
  await key("ml_feature_store_v2", "f", [["trip", at("2026-12-01")], ["override", at("2026-12-04", 15)]]);
  await wh.execute(
    "INSERT INTO nba_predictions.ml_feature_store_v2 (player_lookup, game_date, updated_at, processing_decision_reason) VALUES ('f', @d, @at, 'processed_successfully')",
    { params: { d: D, at: at("2026-12-05") }, types: { d: "DATE", at: "TIMESTAMP" } },
  );
  // Before the weeks (Sunday 11-29): not counted. After now: unseen.
  await key(pdc, "g", [["trip", at("2026-11-29", 23)], ["override", at("2026-12-15")]]);
  // A key dated more than the look-back before the weeks: not read.
  await key(pdc, "old", [["trip", at("2026-12-02")]], addDays(W1, -61));
}

describe("getOverrideTrends", () => {
  it("counts overrides by outcome, the success rate without pending ones, and the trips later overridden", async () => {
    await seed();
    const trends = await getOverrideTrends("2026-12-02", "2026-12-10", { now: NOW, warehouse: wh });
    expect(trends.weeks).toEqual([W1, W2]);
    const fig = (p: string, w: string) => {
      const r = trends.rows.find((x) => x.processor === p && x.week === w)!;
      return [r.overrides, r.processed, r.failed_again, r.re_tripped, r.pending, r.success_rate, r.trips, r.trips_overridden, r.false_positive_share];
    };
    // W1: overrides a (processed); trips a, b (both overridden later), e (overridden later).
    expect(fig("player_daily_cache", W1)).toEqual([1, 1, 0, 0, 0, 1, 3, 3, 1]);
    // W2: overrides b (re-tripped), c (pending), e (failed again): 0 processed of 2 decided;
    // trips b's re-trip, c (overridden later), d: 1 of 3.
    expect(fig("player_daily_cache", W2)).toEqual([3, 0, 1, 1, 1, 0, 3, 1, 1 / 3]);
    expect(fig("ml_feature_store", W1)).toEqual([1, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(fig("ml_feature_store", W2)).toEqual([0, 0, 0, 0, 0, null, 0, 0, null]);
    expect(trends.rows.map((r) => r.processor).sort()).toEqual(["ml_feature_store", "ml_feature_store", "player_daily_cache", "player_daily_cache"]);
  });

  it("reads with a fixed number of queries whatever the number of keys", async () => {
    const calls: number[] = [];
    for (const n of [2, 40]) {
      await clearTables(wh, [...BREAKER_TABLES]);
      for (let i = 0; i < n; i++) await key(i % 2 ? "player_daily_cache" : "ml_feature_store_v2", `p${i}`, [["trip", at("2026-12-01")], ["override", at("2026-12-02", 15)]]);
      const counting = countingWarehouse(wh);
      await getOverrideTrends(W1, "2026-12-13", { now: NOW, warehouse: counting.wh });
      calls.push(counting.counts.query);
    }
    // The keys, their rows, and one processed-output read per processor (two here).
    expect(calls).toEqual([4, 4]);
  });
});
