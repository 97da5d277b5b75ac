/**
 * readOverrideOutcomes on a real in-memory DuckDB with hand-built rows: outcomes decided by the
 * next attempt, by the output row the original's processors leave instead of a success row (a
 * skipped_* output row is not processing; a row written after `now` is not seen), under any of
 * a processor's names and for the team-game key, in a number of queries that does not grow with
 * the number of keys.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { addDaysToInstant } from "@/lib/completeness/dates";
import type { ProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import type { Warehouse } from "@/lib/warehouse/types";
import { BREAKER_TABLES, OUTPUT_TABLES, attemptRow, clearTables, countingWarehouse, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

const D = "2024-12-11";
const T0 = "2024-12-12T04:00:00.000Z";
const OVERRIDE_AT = "2024-12-14T15:30:00.000Z";
const NOW = "2024-12-20T12:00:00.000Z";

let wh: Warehouse;
beforeAll(() => {
  wh = memoryWarehouse();
});
afterAll(() => wh.close());
beforeEach(() => clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]));

const key = (entity_id: string, processor: ProcessorName = "player_daily_cache", analysis_date = D): BreakerKeyRef => ({ processor, entity_id, analysis_date });

/** failure, failure, trip, then an override; `after` rows follow (event, hours after the override). */
async function overridden(k: BreakerKeyRef, after: { event: "failure" | "trip" | "success" | "recovery"; hours: number }[] = [], processorName: string = k.processor) {
  const base = { processor_name: processorName, entity_id: k.entity_id, analysis_date: k.analysis_date };
  await insertAttempts(wh, [
    attemptRow({ ...base, attempt_number: 1, attempted_at: T0, event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 2, attempted_at: addDaysToInstant(T0, 1), event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 3, attempted_at: addDaysToInstant(T0, 2), event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(T0, 9) }),
    attemptRow({ ...base, attempt_number: 4, attempted_at: OVERRIDE_AT, event_type: "override", skip_reason: "MANUAL_OVERRIDE", completeness_pct: null, actor: "alice", request_id: `req-${k.entity_id}` }),
    ...after.map((a, i) =>
      attemptRow({
        ...base,
        attempt_number: 5 + i,
        attempted_at: addDaysToInstant(OVERRIDE_AT, a.hours / 24),
        event_type: a.event,
        skip_reason: a.event === "failure" || a.event === "trip" ? "incomplete_upstream_data" : null,
        circuit_breaker_tripped: a.event === "trip",
        circuit_breaker_until: a.event === "trip" ? addDaysToInstant(OVERRIDE_AT, a.hours / 24 + 7) : null,
      }),
    ),
  ]);
}

async function cacheOutput(player: string, processedAt: string, reason: string | null) {
  await wh.execute(
    "INSERT INTO nba_precompute.player_daily_cache (player_lookup, cache_date, processed_at, processing_decision_reason) VALUES (@p, @d, @at, @r)",
    { params: { p: player, d: D, at: processedAt, r: reason }, types: { p: "STRING", d: "DATE", at: "TIMESTAMP", r: "STRING" } },
  );
}

describe("readOverrideOutcomes", () => {
  it("decides each override by the key's next attempt, and leaves it pending without one", async () => {
    await overridden(key("a"), [{ event: "recovery", hours: 12 }]);
    await overridden(key("b"), [{ event: "failure", hours: 12 }, { event: "trip", hours: 36 }]);
    await overridden(key("c"), [{ event: "trip", hours: 12 }]);
    await overridden(key("d"));
    const outcomes = await readOverrideOutcomes(wh, [key("a"), key("b"), key("c"), key("d"), key("never")], NOW);
    const of = (e: string) => outcomes.get(keyString(key(e)))!.map((o) => [o.outcome, o.request_id]);
    expect(of("a")).toEqual([["processed", "req-a"]]);
    expect(of("b")).toEqual([["failed_again", "req-b"]]);
    expect(of("c")).toEqual([["re_tripped", "req-c"]]);
    expect(of("d")).toEqual([["pending", "req-d"]]);
    expect(of("never")).toEqual([]);
    expect(outcomes.get(keyString(key("a")))![0]!.decided_at).toBe(addDaysToInstant(OVERRIDE_AT, 0.5));
  });

  it("counts the output written as processed after the override where the pipeline writes no success row", async () => {
    // The original's names and rows: no success row, only the output.
    await overridden(key("p"), [], "nba_precompute.player_daily_cache");
    await cacheOutput("p", addDaysToInstant(OVERRIDE_AT, 0.5), "processed_successfully");
    // Written before the override: says nothing about it.
    await overridden(key("q"));
    await cacheOutput("q", addDaysToInstant(OVERRIDE_AT, -0.5), "processed_successfully");
    // A skipped entity's output row (the console's engine writes those) is not processing.
    await overridden(key("s"));
    await cacheOutput("s", addDaysToInstant(OVERRIDE_AT, 0.5), "skipped_incomplete_upstream_data");
    // A pipeline that leaves the reason NULL writes only what it processed.
    await overridden(key("n"));
    await cacheOutput("n", addDaysToInstant(OVERRIDE_AT, 0.5), null);
    // Written after now: not seen yet.
    await overridden(key("late"));
    await cacheOutput("late", addDaysToInstant(NOW, 0.1), "processed_successfully");
    const outcomes = await readOverrideOutcomes(wh, ["p", "q", "s", "n", "late"].map((e) => key(e)), NOW);
    const of = (e: string) => outcomes.get(keyString(key(e)))![0]!;
    expect(of("p")).toMatchObject({ outcome: "processed", decided_at: addDaysToInstant(OVERRIDE_AT, 0.5) });
    expect(of("q").outcome).toBe("pending");
    expect(of("s").outcome).toBe("pending");
    expect(of("n").outcome).toBe("processed");
    expect(of("late").outcome).toBe("pending");
    // Judged later, the late row decides.
    const later = await readOverrideOutcomes(wh, [key("late")], addDaysToInstant(NOW, 1));
    expect(later.get(keyString(key("late")))![0]!.outcome).toBe("processed");
  });

  it("reads the team-game key's output (LAL_<date>) and rows attempted after now are not seen", async () => {
    const k = key(`LAL_${D}`, "upcoming_team_game_context");
    await overridden(k, [{ event: "failure", hours: 200 }]);
    await wh.execute(
      "INSERT INTO nba_analytics.upcoming_team_game_context (team_abbr, game_date, processed_at, processing_decision_reason) VALUES ('LAL', @d, @at, 'processed_after_override')",
      { params: { d: D, at: addDaysToInstant(OVERRIDE_AT, 1) }, types: { d: "DATE", at: "TIMESTAMP" } },
    );
    // The failure 200 h after the override is after NOW: the output written before it decides.
    const outcomes = await readOverrideOutcomes(wh, [k], NOW);
    expect(outcomes.get(keyString(k))![0]).toMatchObject({ outcome: "processed", decided_at: addDaysToInstant(OVERRIDE_AT, 1) });
  });

  it("asks which keys were overridden, reads their rows, and one query per processor among them, whatever the number of keys", async () => {
    const processors: ProcessorName[] = ["player_daily_cache", "ml_feature_store", "player_shot_zone_analysis"];
    const counts = [];
    for (const n of [3, 60]) {
      await clearTables(wh, [...BREAKER_TABLES]);
      const keys = Array.from({ length: n }, (_, i) => key(`e${i}`, processors[i % 3]!, i % 2 ? D : "2024-12-10"));
      for (const k of keys) await overridden(k);
      const counting = countingWarehouse(wh);
      await readOverrideOutcomes(counting.wh, keys, NOW);
      counts.push(counting.counts.query);
    }
    expect(counts).toEqual([5, 5]);
    // Keys never overridden: neither their rows nor the output tables are read.
    await clearTables(wh, [...BREAKER_TABLES]);
    const counting = countingWarehouse(wh);
    const none = await readOverrideOutcomes(counting.wh, [key("x"), key("y", "ml_feature_store")], NOW);
    expect([...none.values()]).toEqual([[], []]);
    expect(counting.counts.query).toBe(1);
  });
});
