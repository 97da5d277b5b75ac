/**
 * The demo's morning, held to its ground truth: every breaker active when the console profile
 * is built is, by the simulator's own account (the failure its run recorded and when the
 * season's missing games land — `summary.morning`), recovered, still missing data or a cascade
 * waiting for its upstream keys. The console's verdicts, computed from the warehouse alone,
 * must say the same for every one of them: the bulk override's live recheck (`dataRecovered`,
 * through `selectActiveKeys`) and the entity page's verdict.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/session";
import { getProcessor } from "@/lib/completeness/processors";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityFound } from "@/lib/entities/view";
import { type BuildSummary, buildDemoDatabase } from "@/lib/demo/build";
import type { MorningVerdict } from "@/lib/demo/faults";
import { shortDemoPlan } from "@/lib/demo/plan";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import type { Warehouse } from "@/lib/warehouse/types";
import { memoryWarehouse } from "@/test/support/fixtures";

// Built mid-morning: the last night's runs (04:00–04:30 UTC) are over, so the upstream keys
// on-call overrode yesterday afternoon have been processed.
const BUILT_AT = "2026-12-07T10:00:00.000Z";
const NOW = "2026-12-07T10:30:00.000Z";
const plan = shortDemoPlan(BUILT_AT, { profile: "console" });
const VIEWER: Actor = { name: "viewer", role: "viewer", via: "session" };

let wh: Warehouse;
let summary: BuildSummary;
const truth = new Map<string, MorningVerdict>();
const id = (k: BreakerKeyRef) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;
const isCascade = (k: BreakerKeyRef) => getProcessor(k.processor).dependsOn.length > 0;

beforeAll(async () => {
  wh = memoryWarehouse();
  summary = await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
  const m = summary.morning!;
  for (const k of m.recovered) truth.set(id(k), "recovered");
  for (const k of m.stillMissing) truth.set(id(k), "still_missing");
  for (const k of m.cascadeWaiting) truth.set(id(k), "cascade_waiting");
  console.log(
    `[morning] ${truth.size} active: recovered ${m.recovered.length} (${m.recovered.filter(isCascade).length} cascade), still missing ${m.stillMissing.length}, cascade waiting ${m.cascadeWaiting.length}; ${summary.operatorActions.join("; ")}`,
  );
}, 900_000);

afterAll(async () => {
  await wh?.close();
});

/** The active keys the ground truth holds, as BreakerKeyRefs. */
function activeKeys(): BreakerKeyRef[] {
  const m = summary.morning!;
  return [...m.recovered, ...m.stillMissing, ...m.cascadeWaiting];
}

describe("the console demo's morning", () => {
  it("has real work in it: recovered single keys and cascades, keys still missing data, cascades still waiting", () => {
    const m = summary.morning!;
    expect(m.unjudged).toBe(0);
    expect(m.recovered.filter((k) => !isCascade(k)).length).toBeGreaterThan(0);
    expect(m.recovered.filter(isCascade).length).toBeGreaterThan(0);
    expect(m.stillMissing.length).toBeGreaterThan(0);
    expect(m.cascadeWaiting.length).toBeGreaterThan(0);
    // The operators left the recovered ones for the user: their last action overrode only
    // upstream keys of one date, whose cascade keys are now among the recovered.
    expect(summary.operatorActions.at(-1)).toMatch(/bulk override of \d+ recovered upstream breakers of .* by jordan\.oncall/);
  });

  it("holds exactly the breakers the console lists as active", async () => {
    const dates = activeKeys().map((k) => k.analysis_date).sort();
    const active = await selectActiveKeys(wh, { date_from: plan.seasonStart, date_to: plan.simulateThrough }, NOW, CONSOLE_DEPLOYMENT, plan.calendar);
    expect(active.map(id).sort()).toEqual([...truth.keys()].sort());
    expect(dates.length).toBeGreaterThan(0);
  });

  it("selects as recovered (the bulk override's live recheck) exactly the recovered keys", async () => {
    const recovered = await selectActiveKeys(
      wh,
      { date_from: plan.seasonStart, date_to: plan.simulateThrough, only_recovered: true },
      NOW,
      CONSOLE_DEPLOYMENT,
      plan.calendar,
    );
    expect(recovered.map(id).sort()).toEqual(summary.morning!.recovered.map(id).sort());
  });

  // The entity page reads one entity and date per call (all its processors, each with a live
  // recheck): every page holding a key of each (processor, verdict) pair, up to PAGES_PER_KIND
  // pages per pair, keeps the test within minutes on two shared cores while every kind of key
  // is looked at; the bulk selection above covers every key.
  const PAGES_PER_KIND = 6;

  it("gives the active breakers of a page per (processor, verdict) the entity page's verdict their ground truth says", async () => {
    const byPage = new Map<string, { entity: string; date: string }>();
    const perKind = new Map<string, number>();
    for (const k of activeKeys().sort((a, b) => (id(a) < id(b) ? -1 : 1))) {
      const kind = `${k.processor}|${truth.get(id(k))}`;
      if ((perKind.get(kind) ?? 0) >= PAGES_PER_KIND) continue;
      perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
      byPage.set(`${k.entity_id}|${k.analysis_date}`, { entity: k.entity_id, date: k.analysis_date });
    }
    const seen = new Map<string, MorningVerdict>();
    for (const { entity, date } of byPage.values()) {
      const detail = await getEntityDetail(entity, date, { warehouse: wh, now: NOW, calendar: plan.calendar, deployment: CONSOLE_DEPLOYMENT, actor: VIEWER });
      expect(detail.status, `${entity} ${date}`).toBe("found");
      for (const section of (detail as EntityFound).processors) {
        const key = `${section.processor}|${entity}|${date}`;
        if (!truth.has(key)) continue;
        if (!section.live.ok || !section.verdict) throw new Error(`${key}: no live recheck`);
        const verdict: MorningVerdict =
          section.verdict.kind === "override_safe" ? "recovered" : section.live.value.ownReady ? "cascade_waiting" : "still_missing";
        expect(section.verdict.kind, key).not.toBe("breaker_not_active");
        seen.set(key, verdict);
      }
    }
    const mismatches = [...seen].filter(([k, v]) => truth.get(k) !== v).map(([k, v]) => `${k}: truth ${truth.get(k)}, page ${v}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Every kind of key was looked at: the three verdicts, cascade and single keys among the recovered.
    expect(new Set(seen.values())).toEqual(new Set(["recovered", "still_missing", "cascade_waiting"]));
    expect([...seen].some(([k, v]) => v === "recovered" && getProcessor(k.split("|")[0] as BreakerKeyRef["processor"]).dependsOn.length > 0)).toBe(true);
    console.log(`[morning] entity pages: ${byPage.size}, keys judged: ${seen.size}`);
  }, 600_000);
});
