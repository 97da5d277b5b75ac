/**
 * Override outcomes and the override trends on a simulated season (console profile: the engine's
 * nightly runs with the orchestrator's retries, maria.ops' bulk override after the outage's
 * backfill, jordan.oncall's single override, dana.admin's reset) equal an independent
 * computation from the stored rows: each key's rows walked here in time order, events read from
 * the columns, the outputs read straight from the output tables, weeks counted here — without
 * overrideOutcomes, overrideWeeks or the product's queries.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDays } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { getOverrideTrends } from "@/lib/data/override-trends";
import { buildDemoDatabase } from "@/lib/demo/build";
import { shortDemoPlan } from "@/lib/demo/plan";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

const BUILT_AT = "2026-12-07T01:00:00.000Z";
const plan = shortDemoPlan(BUILT_AT, { profile: "console" });

let wh: Warehouse;
beforeAll(async () => {
  wh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
  await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
}, 600_000);
afterAll(() => wh.close());

type Raw = {
  processor_name: string;
  entity_id: string;
  analysis_date: string;
  attempt_number: number;
  t: number;
  event_type: string | null;
  skip_reason: string | null;
  circuit_breaker_tripped: boolean;
  request_id: string | null;
};

/** The event a stored row records, from its columns. */
function eventOfRow(r: Raw): string {
  if (r.event_type) return r.event_type;
  if (r.skip_reason === "RESET") return "reset";
  if (r.skip_reason === "MANUAL_OVERRIDE") return "override";
  if (r.circuit_breaker_tripped) return "trip";
  return r.skip_reason === null ? "success" : "failure";
}

interface WalkedOverride {
  key: string;
  processor: ProcessorName;
  t: number;
  outcome: string;
  request_id: string | null;
}

/** Every override of the season with its outcome, and every trip with whether an override of its key came later. */
async function walk(now: number): Promise<{ overrides: WalkedOverride[]; trips: { processor: ProcessorName; t: number; overridden: boolean }[] }> {
  const rows = await wh.query<Raw>(
    `SELECT processor_name, entity_id, CAST(analysis_date AS VARCHAR) AS analysis_date, attempt_number,
            CAST(epoch_ms(attempted_at) AS DOUBLE) AS t, event_type, skip_reason, circuit_breaker_tripped, request_id
     FROM nba_orchestration.reprocess_attempts`,
  );
  const byKey = new Map<string, Raw[]>();
  for (const r of rows) {
    if (r.t > now) continue;
    const k = keyString({ processor: resolveProcessorName(r.processor_name)!, entity_id: r.entity_id, analysis_date: r.analysis_date });
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  // Latest output written as processed (not a skipped entity's row), per key, by now.
  const processed = new Map<string, number>();
  for (const p of PROCESSORS) {
    const entity = p.entityKind === "team_game" ? `${p.entityColumn} || '_' || CAST(${p.dateColumn} AS VARCHAR)` : p.entityColumn;
    const written = `COALESCE(${p.writtenAt.join(", ")})`;
    const out = await wh.query<{ e: string; d: string; t: number }>(
      `SELECT ${entity} AS e, CAST(${p.dateColumn} AS VARCHAR) AS d, CAST(MAX(epoch_ms(${written})) AS DOUBLE) AS t
       FROM ${p.table}
       WHERE coalesce(processing_decision_reason, '') NOT LIKE 'skipped%' AND epoch_ms(${written}) <= ${now}
       GROUP BY 1, 2`,
    );
    for (const o of out) processed.set(keyString({ processor: p.name, entity_id: o.e, analysis_date: o.d }), o.t);
  }
  const overrides: WalkedOverride[] = [];
  const trips: { processor: ProcessorName; t: number; overridden: boolean }[] = [];
  for (const [k, keyRows] of byKey) {
    const processor = k.split("|")[0] as ProcessorName;
    const ordered = [...keyRows].sort((a, b) => a.t - b.t || a.attempt_number - b.attempt_number);
    ordered.forEach((r, i) => {
      const event = eventOfRow(r);
      if (event === "trip") trips.push({ processor, t: r.t, overridden: ordered.some((o) => eventOfRow(o) === "override" && o.t > r.t) });
      if (event !== "override") return;
      const next = ordered[i + 1];
      const nextEvent = next ? eventOfRow(next) : null;
      let outcome =
        nextEvent === null || nextEvent === "override" || nextEvent === "reset"
          ? "pending"
          : nextEvent === "trip"
            ? "re_tripped"
            : nextEvent === "failure"
              ? "failed_again"
              : "processed";
      const out = processed.get(k);
      if (out !== undefined && out > r.t && out < (next ? next.t : Infinity)) outcome = "processed";
      overrides.push({ key: k, processor, t: r.t, outcome, request_id: r.request_id });
    });
  }
  return { overrides, trips };
}

describe("override outcomes on the simulated season", () => {
  it("equal each key's rows walked in time order with its outputs", async () => {
    const { overrides } = await walk(Date.parse(BUILT_AT));
    const expected = new Map<string, [string, string | null][]>();
    for (const o of overrides) expected.set(o.key, [...(expected.get(o.key) ?? []), [o.outcome, o.request_id]]);
    expect(expected.size).toBeGreaterThan(20);

    const keys: BreakerKeyRef[] = [...expected.keys()].map((k) => {
      const [processor, entity_id, analysis_date] = k.split("|");
      return { processor: processor as ProcessorName, entity_id: entity_id!, analysis_date: analysis_date! };
    });
    const actual = await readOverrideOutcomes(wh, keys, BUILT_AT);
    const got = new Map([...actual].map(([k, list]) => [k, list.map((o): [string, string | null] => [o.outcome, o.request_id])]));
    expect(got).toEqual(expected);

    // The season holds more than one kind of outcome (the comparison is not all "pending").
    const tally = new Map<string, number>();
    for (const o of overrides) tally.set(o.outcome, (tally.get(o.outcome) ?? 0) + 1);
    expect(tally.get("processed") ?? 0).toBeGreaterThan(0);
    expect(tally.size).toBeGreaterThan(1);
  });
});

describe("override trends on the simulated season", () => {
  it("equal their definition per processor and ISO week, computed from the rows", async () => {
    const now = Date.parse(BUILT_AT);
    const { overrides, trips } = await walk(now);
    const mondayOf = (t: number) => {
      const day = new Date(t).toISOString().slice(0, 10);
      const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
      return addDays(day, -dow);
    };
    type Cell = { overrides: number; processed: number; decided: number; trips: number; overridden: number };
    const cells = new Map<string, Cell>();
    const cell = (p: string, t: number) => {
      const id = `${p}|${mondayOf(t)}`;
      if (!cells.has(id)) cells.set(id, { overrides: 0, processed: 0, decided: 0, trips: 0, overridden: 0 });
      return cells.get(id)!;
    };
    for (const o of overrides) {
      const c = cell(o.processor, o.t);
      c.overrides += 1;
      if (o.outcome === "processed") c.processed += 1;
      if (o.outcome !== "pending") c.decided += 1;
    }
    for (const t of trips) {
      const c = cell(t.processor, t.t);
      c.trips += 1;
      if (t.overridden) c.overridden += 1;
    }
    const trends = await getOverrideTrends(plan.seasonStart, plan.simulateThrough, { now: BUILT_AT, warehouse: wh });
    const got = new Map(
      trends.rows
        .filter((r) => r.overrides > 0 || r.trips > 0)
        .map((r) => [`${r.processor}|${r.week}`, r]),
    );
    expect([...got.keys()].sort()).toEqual([...cells.keys()].sort());
    for (const [id, c] of cells) {
      const r = got.get(id)!;
      expect({ id, overrides: r.overrides, processed: r.processed, trips: r.trips, overridden: r.trips_overridden }).toEqual({ id, overrides: c.overrides, processed: c.processed, trips: c.trips, overridden: c.overridden });
      expect(r.success_rate).toBe(c.decided ? c.processed / c.decided : null);
      expect(r.false_positive_share).toBe(c.trips ? c.overridden / c.trips : null);
    }
    // The season has overridden trips and decided overrides to compare.
    expect([...cells.values()].some((c) => c.overridden > 0 && c.decided > 0)).toBe(true);
    expect(trends.weeks[0]).toBe(mondayOf(Date.parse(`${plan.seasonStart}T12:00:00Z`)));
    expect(trends.weeks.at(-1)! <= plan.simulateThrough && addDays(trends.weeks.at(-1)!, 7) > plan.simulateThrough).toBe(true);
  });
});
