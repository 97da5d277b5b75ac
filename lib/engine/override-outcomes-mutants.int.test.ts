/**
 * What a mutation run of lib/engine/override-outcomes.ts showed its own tests leave free: keys of
 * one processor on several dates given in any order (the output read spans their date range),
 * and the reads a list of keys costs when none of them was ever overridden (none of the output
 * tables) or when there are no keys at all (none).
 */
import { describe, expect, it } from "vitest";

import { addDaysToInstant } from "@/lib/completeness/dates";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString, readKeys } from "@/lib/engine/breaker-writes";
import { readKeyOutcomes, readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import { BREAKER_TABLES, OUTPUT_TABLES, attemptRow, countingWarehouse, insertAttempts } from "@/test/support/fixtures";
import { scopedMemoryWarehouse } from "@/test/support/warehouse";

const T0 = "2024-12-12T04:00:00.000Z";
const OVERRIDE_AT = "2024-12-14T15:30:00.000Z";
const NOW = "2024-12-20T12:00:00.000Z";
// The name the original pipeline writes the player daily cache's attempts under: it writes no
// success row, so only the output row tells an honoured override.
const PIPELINE_NAME = "nba_precompute.player_daily_cache";

const wh = scopedMemoryWarehouse({ clearEach: [...OUTPUT_TABLES, ...BREAKER_TABLES] });

const key = (entity_id: string, analysis_date: string): BreakerKeyRef => ({ processor: "player_daily_cache", entity_id, analysis_date });

/** Failure, failure, trip, override: the key's rows under the pipeline's name. */
async function overridden(k: BreakerKeyRef) {
  const base = { processor_name: PIPELINE_NAME, entity_id: k.entity_id, analysis_date: k.analysis_date };
  await insertAttempts(wh, [
    attemptRow({ ...base, attempt_number: 1, attempted_at: T0, event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 2, attempted_at: addDaysToInstant(T0, 1), event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 3, attempted_at: addDaysToInstant(T0, 2), event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(T0, 9) }),
    attemptRow({ ...base, attempt_number: 4, attempted_at: OVERRIDE_AT, event_type: "override", skip_reason: "MANUAL_OVERRIDE", completeness_pct: null, actor: "alice", request_id: `req-${k.entity_id}-${k.analysis_date}` }),
  ]);
}

async function processedOutput(k: BreakerKeyRef, processedAt: string) {
  await wh.execute(
    "INSERT INTO nba_precompute.player_daily_cache (player_lookup, cache_date, processed_at, processing_decision_reason) VALUES (@p, @d, @at, 'processed_successfully')",
    { params: { p: k.entity_id, d: k.analysis_date, at: processedAt }, types: { p: "STRING", d: "DATE", at: "TIMESTAMP" } },
  );
}

describe("override outcomes decided by the output row", () => {
  it("finds each key's output whatever the order of the keys' dates", async () => {
    const later = key("p", "2024-12-11");
    const earlier = key("q", "2024-12-09");
    for (const k of [later, earlier]) {
      await overridden(k);
      await processedOutput(k, addDaysToInstant(OVERRIDE_AT, 0.5));
    }
    for (const keys of [[later, earlier], [earlier, later]]) {
      const outcomes = await readOverrideOutcomes(wh, keys, NOW);
      expect(outcomes.get(keyString(later))!.map((o) => o.outcome)).toEqual(["processed"]);
      expect(outcomes.get(keyString(earlier))!.map((o) => o.outcome)).toEqual(["processed"]);
    }
  });
});

describe("rows after now", () => {
  it("are unseen: a recovery after now leaves the override pending; one exactly at now decides it", async () => {
    const k = key("r", "2024-12-11");
    await overridden(k);
    const recovery = (attempted_at: string) =>
      attemptRow({ processor_name: PIPELINE_NAME, entity_id: k.entity_id, analysis_date: k.analysis_date, attempt_number: 5, attempted_at, event_type: "recovery" });
    await insertAttempts(wh, [recovery(NOW)]);
    const atNow = await readKeyOutcomes(wh, [k], NOW);
    expect(atNow.map((o) => [o.rows.length, o.outcomes.map((x) => x.outcome)])).toEqual([[5, ["processed"]]]);
    const before = await readKeyOutcomes(wh, [k], "2024-12-20T11:59:59.999Z");
    expect(before.map((o) => [o.rows.length, o.outcomes.map((x) => x.outcome)])).toEqual([[4, ["pending"]]]);
    expect((await readOverrideOutcomes(wh, [k], "2024-12-20T11:59:59.999Z")).get(keyString(k))!.map((x) => x.outcome)).toEqual(["pending"]);
  });
});

describe("reads", () => {
  it("keys never overridden cost only the read of their rows: no output table is read", async () => {
    const keys = [key("a", "2024-12-11"), key("b", "2024-12-11")];
    await insertAttempts(wh, keys.map((k) => attemptRow({ processor_name: PIPELINE_NAME, entity_id: k.entity_id, analysis_date: k.analysis_date, attempt_number: 1, attempted_at: T0, event_type: "failure" })));
    // The reads of the keys' rows alone, counted on their own.
    const rowsOnly = countingWarehouse(wh);
    await readKeys(rowsOnly.wh, keys, NOW);
    const counting = countingWarehouse(wh);
    const read = await readKeyOutcomes(counting.wh, keys, NOW);
    expect(read.map((k) => [k.key.entity_id, k.rows.length, k.outcomes])).toEqual([["a", 1, []], ["b", 1, []]]);
    expect(counting.counts).toEqual(rowsOnly.counts);
  });

  it("no keys: no read at all", async () => {
    const counting = countingWarehouse(wh);
    expect(await readOverrideOutcomes(counting.wh, [], NOW)).toEqual(new Map());
    expect(await readKeyOutcomes(counting.wh, [], NOW)).toEqual([]);
    expect(counting.counts).toEqual({ query: 0, execute: 0, transaction: 0, insert: 0 });
  });
});
