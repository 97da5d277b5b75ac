/**
 * One verdict everywhere, over every active breaker of both demo profiles: for each key the
 * Active list's verdict (getActiveBreakers, what the page, the API and the CLI show) equals the
 * entity page's (getEntityDetail's verdict box) and the bulk selection's membership ("only
 * recovered"); and the bulk preview of the safe keys holds only keys whose override then
 * succeeds (applied here, on this test's own database: every key leaves the active list).
 * Also the About-to-trip list against this file's own reading of the rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The data layer reads the signed-in session of the request: an operator here.
vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("operator"));

import { deriveBreakerState } from "@/lib/completeness/breaker";
import { addDays } from "@/lib/completeness/dates";
import { resolveProcessorName } from "@/lib/completeness/processors";
import { CONSOLE_DEPLOYMENT, type Deployment, ORIGINAL_DEPLOYMENT } from "@/lib/completeness/deployment";
import { getAboutToTrip } from "@/lib/data/about-to-trip";
import { getDeployment } from "@/lib/data/deployment";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityFound } from "@/lib/entities/view";
import { clearMonitoringCache } from "@/lib/data/monitoring";
import { type ActiveBreakersRead, filterBySafe, getActiveBreakers } from "@/lib/data/verdicts";
import { buildDemoDatabase } from "@/lib/demo/build";
import { DEMO_FORMAT, writeDemoMetadata } from "@/lib/demo/metadata";
import { ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase } from "@/lib/demo/original";
import { type DemoPlan, shortDemoPlan } from "@/lib/demo/plan";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { applyBulkOverride, keyString, previewBulkOverride, readKeys } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { getEnv } from "@/lib/env";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { keepSignOutsInMemory } from "@/test/support/session";

const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
const BUILT_AT = new Date(Date.now() - 60_000).toISOString();
/** Keys per (processor, verdict) class whose entity page is read. */
const PER_CLASS = 6;
let tmp: string;

beforeAll(() => {
  keepSignOutsInMemory();
  tmp = mkdtempSync(path.join(tmpdir(), "verdicts-"));
});

afterAll(() => {
  delete holder.__completenessWarehouse;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function buildProfile(profile: "console" | "original"): Promise<{ wh: Warehouse; plan: DemoPlan }> {
  const plan = shortDemoPlan(BUILT_AT, { profile });
  let wh: Warehouse;
  if (profile === "console") {
    wh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
    await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
  } else {
    // Only the original tables, then opened as the console opens a warehouse.
    const file = path.join(tmp, "original.duckdb");
    const builder = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
    try {
      await buildOriginalDemoDatabase(builder, plan, { now: BUILT_AT });
      await builder.execute("CHECKPOINT");
    } finally {
      await builder.close();
    }
    wh = createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
  }
  // The console reads the season calendar and the deployment from the metadata beside its file.
  writeDemoMetadata(getEnv().EMBEDDED_DB_PATH, { format: DEMO_FORMAT, plan, builtAt: BUILT_AT, buildSeconds: 0, summary: {} });
  holder.__completenessWarehouse = wh;
  clearMonitoringCache();
  return { wh, plan };
}

describe.each([
  { profile: "original" as const, deployment: ORIGINAL_DEPLOYMENT },
  { profile: "console" as const, deployment: CONSOLE_DEPLOYMENT },
])("the verdict on the $profile demo", ({ profile, deployment }: { profile: "console" | "original"; deployment: Deployment }) => {
  let wh: Warehouse;
  let plan: DemoPlan;
  let now: string;
  let active: ActiveBreakersRead;

  beforeAll(async () => {
    ({ wh, plan } = await buildProfile(profile));
    now = new Date().toISOString();
    const started = performance.now();
    active = await getActiveBreakers({ now });
    console.log(`[verdicts:${profile}] ${active.rows.length} active keys, verdicts in ${Math.round(performance.now() - started)} ms`);
  }, 600_000);

  afterAll(async () => {
    await wh?.close();
  });

  it("lists as about to trip exactly the keys whose last two attempts failed with no trip, success, override or reset since (computed here from the raw rows)", async () => {
    const at = new Date().toISOString();
    const raw = await wh.query<{ processor_name: string; entity_id: string; analysis_date: string; attempt_number: number; at_us: number; event_type: string | null; tripped: boolean; skip_reason: string | null; override: boolean | null }>(
      `SELECT processor_name, entity_id, CAST(analysis_date AS VARCHAR) AS analysis_date, attempt_number,
              CAST(epoch_us(attempted_at) AS DOUBLE) AS at_us, event_type, circuit_breaker_tripped AS tripped, skip_reason,
              manual_override_applied AS override
       FROM nba_orchestration.reprocess_attempts
       WHERE analysis_date >= CAST('${addDays(at.slice(0, 10), -30)}' AS DATE) AND attempted_at <= CAST('${at}' AS TIMESTAMPTZ)`,
    );
    // A plain failure: a failed attempt that did not trip (the console writes event_type; the
    // original's rows carry only the flags: not tripped, a skip reason that is not an operator's marker).
    const isFailure = (r: (typeof raw)[number]) =>
      r.event_type ? r.event_type === "failure" : !r.tripped && r.skip_reason !== null && r.skip_reason !== "RESET" && r.skip_reason !== "MANUAL_OVERRIDE" && r.override !== true;
    const byKey = new Map<string, typeof raw>();
    for (const r of raw) {
      const k = `${resolveProcessorName(r.processor_name)}|${r.entity_id}|${r.analysis_date}`;
      byKey.set(k, [...(byKey.get(k) ?? []), r]);
    }
    const expected: string[] = [];
    for (const [k, rows] of byKey) {
      rows.sort((a, b) => a.attempt_number - b.attempt_number || a.at_us - b.at_us);
      let trailing = 0;
      for (let i = rows.length - 1; i >= 0 && isFailure(rows[i]!); i--) trailing++;
      if (trailing >= 2) expected.push(k);
    }
    const read = await getAboutToTrip({ now: at });
    const listed = read.rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`);
    console.log(`[verdicts:${profile}] about to trip: ${listed.length} keys, ${read.rows.filter((r) => r.verdict?.data === "ready").length} with their data now`);
    expect(listed.sort()).toEqual(expected.sort());
    for (const r of read.rows) {
      expect(r.consecutive_failures).toBe(2);
      expect(r.verdict?.safe).toBe(false);
    }
    if (profile === "console") expect(listed.length).toBeGreaterThan(0);
  });

  it("uses the deployment the demo runs", () => {
    expect(getDeployment()).toEqual(deployment);
  });

  it("gives every active key a verdict, some of them safe and some not", () => {
    expect(active.verdict_error).toBeUndefined();
    expect(active.rows.length).toBeGreaterThan(0);
    for (const r of active.rows) expect(r.verdict, keyString(r as BreakerKeyRef)).not.toBeNull();
    const safe = filterBySafe(active.rows, "yes").length;
    const notSafe = filterBySafe(active.rows, "no").length;
    console.log(`[verdicts:${profile}] safe ${safe}, not safe ${notSafe}`);
    expect(safe + notSafe).toBe(active.rows.length);
    expect(notSafe).toBeGreaterThan(0);
  });

  // The entity page evaluates every processor of an entity on its own (seven evaluations a page):
  // over all ~3,500 active keys that took more than 15 minutes on two shared cores, so the page
  // is read for a stratified sample — every (processor, verdict) class, the first keys of each in
  // key order — while the list and the bulk selection are compared over every key below.
  it("equals the entity page's verdict for keys of every processor and verdict class", async () => {
    const classes = new Map<string, typeof active.rows>();
    for (const r of [...active.rows].sort((a, b) => (`${a.processor}|${a.entity_id}|${a.analysis_date}` < `${b.processor}|${b.entity_id}|${b.analysis_date}` ? -1 : 1))) {
      const c = `${r.processor}|${r.verdict?.safe}|${r.verdict?.data}`;
      const list = classes.get(c) ?? [];
      if (list.length < PER_CLASS) classes.set(c, [...list, r]);
    }
    const sample = [...classes.values()].flat();
    console.log(`[verdicts:${profile}] entity pages for ${sample.length} keys in ${classes.size} classes`);
    const byPage = new Map<string, typeof active.rows>();
    for (const r of sample) {
      const page = `${r.entity_id}|${r.analysis_date}`;
      byPage.set(page, [...(byPage.get(page) ?? []), r]);
    }
    const started = performance.now();
    const mismatches: string[] = [];
    for (const rows of byPage.values()) {
      const detail = (await getEntityDetail(rows[0]!.entity_id, rows[0]!.analysis_date, { now })) as EntityFound;
      expect(detail.status).toBe("found");
      for (const r of rows) {
        const section = detail.processors.find((s) => s.processor === r.processor);
        const onPage = section?.verdict ?? null;
        if (!onPage || onPage.kind !== (r.verdict!.safe ? "override_safe" : "not_safe") || JSON.stringify(onPage.verdict) !== JSON.stringify(r.verdict)) {
          mismatches.push(`${r.processor}|${r.entity_id}|${r.analysis_date}: list ${JSON.stringify(r.verdict)} page ${onPage?.kind} ${JSON.stringify(onPage?.verdict)}`);
        }
      }
    }
    console.log(`[verdicts:${profile}] ${byPage.size} entity pages read in ${Math.round(performance.now() - started)} ms`);
    expect(mismatches).toEqual([]);
  }, 600_000);

  it("selects for the bulk override's 'only recovered' exactly the keys the list calls safe, and every one of them can be overridden", async () => {
    const dates = active.rows.map((r) => r.analysis_date).sort();
    const selected = await selectActiveKeys(wh, { date_from: dates[0]!, date_to: dates.at(-1)!, only_recovered: true }, now, deployment, plan.calendar);
    const safe = filterBySafe(active.rows, "yes").map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`).sort();
    expect(selected.map(keyString).sort()).toEqual(safe);
    if (selected.length === 0) return;

    // The preview of the safe keys, then its apply: accepted whole, and no key is active after it.
    const writeAt = new Date().toISOString();
    const preview = await previewBulkOverride(wh, selected, writeAt, deployment);
    expect(preview.skipped).toEqual([]);
    expect(preview.changes.map((c) => `${c.processor}|${c.entity_id}|${c.analysis_date}`).sort()).toEqual(safe);
    const applied = await applyBulkOverride(wh, selected, preview.token, {
      actor: "verdict-test",
      role: "operator",
      reasonCode: "data_now_available",
      reason: "The verdict says the data has recovered",
      requestId: `verdict-${profile}-${Date.now()}`,
      now: writeAt,
      deployment,
    });
    expect(applied.ok).toBe(true);
    const after = await readKeys(wh, selected, new Date().toISOString());
    expect(after.keys.filter((k) => deriveBreakerState(k.rows, new Date().toISOString()).status === "active").map((k) => keyString(k.key))).toEqual([]);
  }, 600_000);
});
