/**
 * The trip rate (sql/monitoring/trip_rate.sql) on a generated dataset in an in-memory DuckDB,
 * against a TypeScript count over the same arrays: the keys each processor evaluated in the 30
 * dates ending at as_of (output rows and skip attempts), and those with a trip row attempted by
 * now (events through `eventOf`, the pure rule; processor aliases through the registry).
 * The dataset holds re-trips (a key counted once), a trip written after now, dates just outside
 * the window, an alias processor name, overrides and resets, skip attempts with no output row,
 * and processors that evaluated nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type AttemptRow, eventOf } from "@/lib/completeness/breaker";
import { addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { PROCESSOR_NAMES, type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { TRIP_RATE_DAYS, tripRateAlerted } from "@/lib/monitoring/trip-rate";
import type { Warehouse } from "@/lib/warehouse/types";
import { attemptRow, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

import { runTripRate } from "./trip-rate";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";
const FIRST = addDays(AS_OF, -(TRIP_RATE_DAYS - 1));

interface Out {
  processor: ProcessorName;
  entity: string;
  date: string;
}

const OUTPUTS: Out[] = [];
const ATTEMPTS: AttemptRow[] = [];

// A deterministic spread: per processor, entity and date (two days either side of the window),
// an output row on most keys; on some, a failure streak that trips, sometimes trips again after
// the cooldown, is overridden or reset; some skip attempts have no output row at all.
const PROCESSORS_WITH_DATA: { processor: ProcessorName; name: string; entities: string[] }[] = [
  { processor: "player_daily_cache", name: "player_daily_cache", entities: ["lebronjames", "stephencurry", "nikolajokic", "lukadoncic", "jaysontatum"] },
  // Written under an alias: counted as the canonical processor.
  { processor: "team_defense_zone_analysis", name: "nba_precompute.team_defense_zone_analysis", entities: ["LAL", "BOS", "DEN"] },
  { processor: "player_shot_zone_analysis", name: "player_shot_zone_analysis", entities: ["lebronjames", "stephencurry"] },
];
for (const { processor, name, entities } of PROCESSORS_WITH_DATA) {
  for (let d = -2; d < TRIP_RATE_DAYS + 2; d++) {
    const date = addDays(FIRST, d);
    entities.forEach((entity, e) => {
      const h = (d * 7 + e * 13 + processor.length) % 11;
      const at = (days: number, hour = 4) => `${addDays(date, 1 + days)}T0${hour}:00:00.000Z`;
      const row = (n: number, fields: Partial<AttemptRow>) => attemptRow({ processor_name: name, entity_id: entity, analysis_date: date, attempt_number: n, attempted_at: at(n - 1), ...fields });
      if (h !== 3) OUTPUTS.push({ processor, entity, date });
      if (h === 1 || h === 2 || h === 5) {
        ATTEMPTS.push(row(1, {}), row(2, {}), row(3, { circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(at(2), 7) }));
        // Trips again after its cooldown: still one tripped key.
        if (h === 2) ATTEMPTS.push(row(4, { attempted_at: at(10), circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(at(10), 7) }));
        if (h === 5) ATTEMPTS.push(row(4, { attempted_at: at(3, 6), event_type: "override", skip_reason: "manual_override", completeness_pct: null, actor: "ops" }));
      }
      // Fails once or twice, never trips.
      if (h === 3 || h === 7) ATTEMPTS.push(row(1, {}));
      if (h === 7) ATTEMPTS.push(row(2, {}));
      // Reset after a trip: the trip row is gone, the RESET row says how many went.
      if (h === 9) ATTEMPTS.push(row(1, { attempt_number: 0, event_type: "reset", skip_reason: "RESET", completeness_pct: 0, rows_removed: 3 }));
    });
  }
}
// A trip attempted after now does not count (its key was evaluated: its failures do).
ATTEMPTS.push(
  attemptRow({ processor_name: "upcoming_team_game_context", entity_id: "LAL_2025-01-15", analysis_date: AS_OF, attempt_number: 1, attempted_at: "2025-01-16T04:00:00.000Z" }),
  attemptRow({ processor_name: "upcoming_team_game_context", entity_id: "LAL_2025-01-15", analysis_date: AS_OF, attempt_number: 2, attempted_at: "2025-01-16T11:00:00.000Z" }),
  attemptRow({ processor_name: "upcoming_team_game_context", entity_id: "LAL_2025-01-15", analysis_date: AS_OF, attempt_number: 3, attempted_at: "2025-01-16T13:00:00.000Z", circuit_breaker_tripped: true, circuit_breaker_until: "2025-01-23T13:00:00.000Z" }),
);

/** The same figures counted here, from the arrays. */
function expected() {
  const inWindow = (date: string) => date >= FIRST && date <= AS_OF;
  const evaluated = new Map<ProcessorName, Set<string>>();
  const tripped = new Map<ProcessorName, Set<string>>();
  const add = (m: Map<ProcessorName, Set<string>>, p: ProcessorName, k: string) => m.set(p, (m.get(p) ?? new Set()).add(k));
  for (const o of OUTPUTS) if (inWindow(o.date)) add(evaluated, o.processor, `${o.entity}|${o.date}`);
  for (const a of ATTEMPTS) {
    const p = resolveProcessorName(a.processor_name)!;
    if (!inWindow(a.analysis_date)) continue;
    const event = eventOf(a);
    if (event === "failure" || event === "trip") add(evaluated, p, `${a.entity_id}|${a.analysis_date}`);
    if (event === "trip" && a.attempted_at <= NOW) add(tripped, p, `${a.entity_id}|${a.analysis_date}`);
  }
  return PROCESSOR_NAMES.map((processor) => {
    const keys = evaluated.get(processor)?.size ?? 0;
    const trips = tripped.get(processor)?.size ?? 0;
    return { processor, keys_attempted: keys, keys_tripped: trips, trip_rate_pct: keys === 0 ? null : Math.round((10_000 * trips) / keys) / 100 };
  });
}

let wh: Warehouse;

beforeAll(async () => {
  wh = memoryWarehouse();
  for (const { processor } of PROCESSORS_WITH_DATA) {
    const def = getProcessor(processor);
    const rows = OUTPUTS.filter((o) => o.processor === processor).map((o) => ({
      [def.entityColumn]: o.entity,
      [def.dateColumn]: o.date,
      processed_at: `${addDays(o.date, 1)}T04:00:00.000Z`,
      created_at: `${addDays(o.date, 1)}T04:00:00.000Z`,
      is_production_ready: true,
      completeness_percentage: 100,
    }));
    await wh.insert(def.table, outputColumns(def), rows);
  }
  await insertAttempts(wh, ATTEMPTS);
});

afterAll(async () => {
  await wh.close();
});

describe("the trip rate", () => {
  it("equals the share of evaluated keys that tripped, counted from the rows, for every processor in registry order", async () => {
    const rows = await runTripRate(wh, { as_of: AS_OF, now: NOW });
    const want = expected();
    expect(rows).toEqual(want);
    // The dataset exercises what it says: trips on three processors, one evaluating with none.
    expect(want.filter((r) => r.keys_tripped > 0).map((r) => r.processor).sort()).toEqual(["player_daily_cache", "player_shot_zone_analysis", "team_defense_zone_analysis"]);
    expect(want.find((r) => r.processor === "upcoming_team_game_context")).toMatchObject({ keys_attempted: 1, keys_tripped: 0, trip_rate_pct: 0 });
    expect(want.find((r) => r.processor === "ml_feature_store")).toMatchObject({ keys_attempted: 0, trip_rate_pct: null });
  });

  it("counts the trip written after now once now has passed it", async () => {
    const rows = await runTripRate(wh, { as_of: AS_OF, now: "2025-01-16T13:00:00.000Z" });
    expect(rows.find((r) => r.processor === "upcoming_team_game_context")).toMatchObject({ keys_attempted: 1, keys_tripped: 1, trip_rate_pct: 100 });
  });

  it("alerts strictly above 5%", () => {
    expect([null, 0, 5, 5.01, 40].map(tripRateAlerted)).toEqual([false, false, false, true, true]);
  });
});
