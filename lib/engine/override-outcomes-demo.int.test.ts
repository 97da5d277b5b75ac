/**
 * Override outcomes on a simulated season (console profile: the engine's nightly runs with the
 * orchestrator's retries, maria.ops' bulk override after the outage's backfill, jordan.oncall's
 * single override, dana.admin's reset) equal an independent computation from the stored rows:
 * each key's rows walked here in time order, events read from the columns, the outputs read
 * straight from the output tables — without overrideOutcomes or the product's queries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROCESSORS, type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { buildDemoDatabase } from "@/lib/demo/build";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type BreakerKeyRef, keyString } from "@/lib/engine/breaker-writes";
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

describe("override outcomes on the simulated season", () => {
  it("equal each key's rows walked in time order with its outputs", async () => {
    const now = Date.parse(BUILT_AT);
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

    const expected = new Map<string, [string, string | null][]>();
    for (const [k, keyRows] of byKey) {
      const ordered = [...keyRows].sort((a, b) => a.t - b.t || a.attempt_number - b.attempt_number);
      const results: [string, string | null][] = [];
      ordered.forEach((r, i) => {
        if (eventOfRow(r) !== "override") return;
        const next = ordered.slice(i + 1)[0];
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
        results.push([outcome, r.request_id]);
      });
      if (results.length) expected.set(k, results);
    }
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
    for (const list of expected.values()) for (const [o] of list) tally.set(o, (tally.get(o) ?? 0) + 1);
    expect(tally.get("processed") ?? 0).toBeGreaterThan(0);
    expect(tally.size).toBeGreaterThan(1);
    console.log("outcomes on the short season:", Object.fromEntries(tally));
  });
});
