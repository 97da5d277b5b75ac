/**
 * Incidents on both demo profiles, held to the simulator's ground truth: the simulator records,
 * for every failure it causes, which fault of the season caused it (lib/demo/faults.ts); the
 * ground-truth incidents are the connected components of the in-scope keys linked by shared
 * fault ids. The console's incidents — computed from the warehouse alone — must equal them
 * (pairwise precision and recall 1.0).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { instantMicros } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT, type Deployment, ORIGINAL_DEPLOYMENT } from "@/lib/completeness/deployment";
import { type IncidentDetail, incidentKeyString } from "@/lib/completeness/incidents";
import { buildDemoDatabase } from "@/lib/demo/build";
import { type FailureCause, keyFault } from "@/lib/demo/faults";
import { ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase } from "@/lib/demo/original";
import { type DemoPlan, shortDemoPlan } from "@/lib/demo/plan";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { cachedIncidents, clearIncidentCache, computeIncidents, incidentRecoveredKeys } from "@/lib/engine/incidents";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

const BUILT_AT = "2026-12-07T03:00:00.000Z";
const NOW = "2026-12-07T03:30:00.000Z";

interface Profile {
  wh: Warehouse;
  plan: DemoPlan;
  deployment: Deployment;
  causes: FailureCause[];
  incidents: IncidentDetail[];
  unexplained: number;
}
const profiles: Partial<Record<"console" | "original", Profile>> = {};
let tmp: string;

beforeAll(async () => {
  const consolePlan = shortDemoPlan(BUILT_AT, { profile: "console" });
  const consoleWh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
  const built = await buildDemoDatabase(consoleWh, consolePlan, () => {}, { now: BUILT_AT });
  let started = performance.now();
  const c = await computeIncidents(consoleWh, { now: NOW, deployment: CONSOLE_DEPLOYMENT, calendar: consolePlan.calendar });
  console.log(`[incidents:console] computed in ${Math.round(performance.now() - started)} ms, ${c.reads} reads`);
  profiles.console = { wh: consoleWh, plan: consolePlan, deployment: CONSOLE_DEPLOYMENT, causes: built.failureCauses, incidents: c.incidents, unexplained: c.unexplained };

  // The original profile in a file holding only the original tables, then opened as the console
  // opens a warehouse (its own columns added on open).
  tmp = mkdtempSync(path.join(tmpdir(), "incidents-"));
  const file = path.join(tmp, "original.duckdb");
  const originalPlan = shortDemoPlan(BUILT_AT, { profile: "original" });
  const builder = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
  let originalCauses: FailureCause[];
  try {
    originalCauses = (await buildOriginalDemoDatabase(builder, originalPlan, { now: BUILT_AT })).failureCauses;
    await builder.execute("CHECKPOINT");
  } finally {
    await builder.close();
  }
  const originalWh = createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
  started = performance.now();
  const o = await computeIncidents(originalWh, { now: NOW, deployment: ORIGINAL_DEPLOYMENT, calendar: originalPlan.calendar });
  console.log(`[incidents:original] computed in ${Math.round(performance.now() - started)} ms, ${o.reads} reads`);
  profiles.original = { wh: originalWh, plan: originalPlan, deployment: ORIGINAL_DEPLOYMENT, causes: originalCauses, incidents: o.incidents, unexplained: o.unexplained };
}, 600_000);

afterAll(async () => {
  await profiles.console?.wh.close();
  await profiles.original?.wh.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The ground truth's partition of the console's in-scope keys: components linked by shared fault ids. */
function groundTruth(p: Profile): { partition: string[][]; faultsOf: Map<string, string[]>; unmatched: string[] } {
  const byFailure = new Map<string, FailureCause>();
  for (const c of p.causes) byFailure.set(`${c.processor}|${c.entity_id}|${c.analysis_date}|${instantMicros(c.at)}`, c);
  const keys = p.incidents.flatMap((i) => i.keys_list);
  const faultsOf = new Map<string, string[]>();
  const unmatched: string[] = [];
  for (const k of keys) {
    const id = incidentKeyString(k);
    const cause = byFailure.get(`${id}|${instantMicros(k.failed_at)}`);
    if (!cause) unmatched.push(`${id} failed at ${k.failed_at}`);
    faultsOf.set(id, [...(cause?.faults ?? []), keyFault(k.processor, k.entity_id, k.analysis_date)]);
  }
  // Union-find over keys and fault ids.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const [id, faults] of faultsOf) for (const f of faults) union(`k:${id}`, `f:${f}`);
  const components = new Map<string, string[]>();
  for (const id of faultsOf.keys()) {
    const root = find(`k:${id}`);
    components.set(root, [...(components.get(root) ?? []), id]);
  }
  return { partition: [...components.values()], faultsOf, unmatched };
}

/** Pairwise precision and recall of a predicted partition against a true one (counted per cell, not per pair). */
function pairScores(predicted: string[][], truth: string[][]): { precision: number; recall: number } {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const truthOf = new Map<string, number>();
  truth.forEach((c, i) => c.forEach((k) => truthOf.set(k, i)));
  let both = 0;
  for (const c of predicted) {
    const cells = new Map<number, number>();
    for (const k of c) cells.set(truthOf.get(k)!, (cells.get(truthOf.get(k)!) ?? 0) + 1);
    for (const n of cells.values()) both += pairs(n);
  }
  const predictedPairs = predicted.reduce((s, c) => s + pairs(c.length), 0);
  const truePairs = truth.reduce((s, c) => s + pairs(c.length), 0);
  return { precision: predictedPairs === 0 ? 1 : both / predictedPairs, recall: truePairs === 0 ? 1 : both / truePairs };
}

const canonical = (partition: string[][]) => partition.map((c) => [...c].sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));

describe.each(["console", "original"] as const)("incidents on the %s profile", (name) => {
  const p = () => profiles[name]!;

  it("covers failing and tripped keys, every one with the failure it was grouped by recorded by the simulator", () => {
    const { unmatched } = groundTruth(p());
    const keys = p().incidents.reduce((s, i) => s + i.keys, 0);
    console.log(`[incidents:${name}] ${p().incidents.length} incidents, ${keys} keys, ${p().unexplained} unexplained active`);
    for (const i of p().incidents.slice(0, 12)) console.log(`  ${i.id} ${i.kind} ${i.status} keys=${i.keys} open=${i.open_keys} recovered=${i.recovered_keys}: ${i.cause}`);
    expect(keys).toBeGreaterThan(0);
    expect(unmatched.slice(0, 10)).toEqual([]);
  });

  it("equals the ground truth: pairwise precision and recall 1.0", () => {
    const truth = groundTruth(p());
    const predicted = p().incidents.map((i) => i.keys_list.map(incidentKeyString));
    const scores = pairScores(predicted, truth.partition);
    if (scores.precision < 1 || scores.recall < 1) {
      // Name the disagreements: each console incident that is not exactly one true component.
      const truthOf = new Map<string, number>();
      truth.partition.forEach((c, i) => c.forEach((k) => truthOf.set(k, i)));
      for (const inc of p().incidents) {
        const comps = new Set(inc.keys_list.map((k) => truthOf.get(incidentKeyString(k))));
        const size = [...comps].reduce<number>((s, c) => s + truth.partition[c!]!.length, 0);
        if (comps.size > 1 || size !== inc.keys) {
          const sample = inc.keys_list.slice(0, 3).map((k) => `${incidentKeyString(k)} ${truth.faultsOf.get(incidentKeyString(k))!.join(" ")}`);
          console.log(`[incidents:${name}] ${inc.id} (${inc.keys} keys, ${inc.cause}) spans ${comps.size} true components of ${size} keys; e.g. ${sample.join(" / ")}`);
        }
      }
    }
    expect(scores).toEqual({ precision: 1, recall: 1 });
    expect(canonical(predicted)).toEqual(canonical(truth.partition));
  });

  it("keeps a missing player row its own small incident", () => {
    const truth = groundTruth(p());
    const rowKeys = [...truth.faultsOf].filter(([, faults]) => faults.some((f) => f.startsWith("row:")));
    const rowIncidents = p().incidents.filter((i) => i.kind === "player_row");
    for (const inc of rowIncidents) {
      // Every key of it was missing the same one row, and nothing else.
      const faults = new Set(inc.keys_list.flatMap((k) => truth.faultsOf.get(incidentKeyString(k))!.filter((f) => !f.startsWith("key:"))));
      expect([...faults].every((f) => f.startsWith("row:"))).toBe(true);
      expect(faults.size).toBe(1);
    }
    // Every key failing on a missing row alone is in such an incident.
    for (const [id, faults] of rowKeys) {
      if (faults.filter((f) => !f.startsWith("key:")).every((f) => f.startsWith("row:"))) {
        expect(rowIncidents.some((i) => i.keys_list.some((k) => incidentKeyString(k) === id))).toBe(true);
      }
    }
  });

  it("is deterministic: the same data gives the same incidents and ids", async () => {
    const again = await computeIncidents(p().wh, { now: NOW, deployment: p().deployment, calendar: p().plan.calendar });
    expect(again.incidents).toEqual(p().incidents);
  });

  it("counts as recovered exactly the keys the bulk override's 'only recovered' selects", async () => {
    const active = p().incidents.flatMap((i) => i.keys_list.filter((k) => k.state === "active"));
    if (active.length === 0) return;
    const dates = active.map((k) => k.analysis_date).sort();
    const selected = await selectActiveKeys(
      p().wh,
      { date_from: dates[0]!, date_to: dates.at(-1)!, only_recovered: true, entities: [...new Set(active.map((k) => k.entity_id))] },
      NOW,
      p().deployment,
      p().plan.calendar,
    );
    const inScope = new Set(active.map(incidentKeyString));
    const selectedInScope = selected.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`).filter((k) => inScope.has(k)).sort();
    expect(active.filter((k) => k.recovered).map(incidentKeyString).sort()).toEqual(selectedInScope);
  });

  it("reuses the computation while the data version is unchanged, and the recovered keys of an incident are its active recovered ones", async () => {
    clearIncidentCache();
    const ctx = { now: NOW, deployment: p().deployment, calendar: p().plan.calendar };
    const cold = await cachedIncidents(p().wh, ctx);
    const warm = await cachedIncidents(p().wh, { ...ctx, now: "2026-12-07T03:31:00.000Z" });
    expect(cold.reused).toBe(false);
    expect(warm.reused).toBe(true);
    expect(warm.incidents.map((i) => i.id)).toEqual(cold.incidents.map((i) => i.id));
    const withRecovered = cold.incidents.find((i) => i.keys_list.some((k) => k.state === "active" && k.recovered));
    if (withRecovered) {
      const keys = await incidentRecoveredKeys(p().wh, withRecovered.id, ctx);
      expect(keys.length).toBe(withRecovered.keys_list.filter((k) => k.state === "active" && k.recovered).length);
      expect(keys.length).toBeGreaterThan(0);
    }
    // A cold computation: 25–45 s per profile on two cores shared with other builds.
  }, 240_000);
});
