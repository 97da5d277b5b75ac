/**
 * The check service and the entity page tell the same story: for the same entity and date, at
 * the same instant and for the same deployment, a check's windows (expected, actual, missing,
 * percentage, readiness, missing games), decision, production readiness and breaker status equal
 * the entity page's live recheck and breaker state — on both demo profiles.
 *
 * - `console`: a short season filled night by night by the console's engine.
 * - `original`: a short season written the way the original Python pipeline writes (its tables
 *   only, its processor names, no success rows, skipped entities only in reprocess_attempts),
 *   opened as the console opens such a file (its own tables and columns added). The check
 *   service serves only processors the console's engine reads, so both the check and the page
 *   use a deployment with the `console` reader for every processor, under the names the
 *   pipeline wrote.
 *
 * Each processor is checked as a pipeline run checks it (every entity it would process that
 * date, in one call), on the last simulated night and on the date of a key whose breaker is
 * tripped now; the entities compared are a few of the run's plus, where the run has them, one
 * skipped for incomplete data, one skipped for its upstreams, one whose breaker is active and
 * one that is failing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/session";
import type { CheckedEntity } from "@/lib/checks/schemas";
import { type Deployment, buildDeployment } from "@/lib/completeness/deployment";
import { PROCESSORS, type ProcessorDef, type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityFound } from "@/lib/entities/view";
import { buildDemoDatabase } from "@/lib/demo/build";
import { ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase } from "@/lib/demo/original";
import { type DemoPlan, shortDemoPlan } from "@/lib/demo/plan";
import { checkRun } from "@/lib/engine/checks";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { memoryWarehouse } from "@/test/support/fixtures";

/** Both seasons are built after their last night's runs; checks and pages read six hours later. */
const BUILT_AT = "2026-12-07T06:00:00.000Z";
const NOW = "2026-12-07T12:00:00.000Z";
const VIEWER: Actor = { name: "viewer", role: "viewer", via: "session" };

interface Profile {
  wh: Warehouse;
  plan: DemoPlan;
  deployment: Deployment;
}
const profiles: Partial<Record<"console" | "original", Profile>> = {};
let tmp: string;

beforeAll(async () => {
  const consolePlan = shortDemoPlan(BUILT_AT, { days: 40, profile: "console" });
  const consoleWh = memoryWarehouse();
  await buildDemoDatabase(consoleWh, consolePlan, () => {}, { now: BUILT_AT });
  profiles.console = { wh: consoleWh, plan: consolePlan, deployment: buildDeployment({ readers: "console" }) };

  // The original profile in a file holding only the original tables, then opened as the console
  // opens a warehouse (its own tables and columns added on open).
  tmp = mkdtempSync(path.join(tmpdir(), "check-entity-"));
  const file = path.join(tmp, "original.duckdb");
  const originalPlan = shortDemoPlan(BUILT_AT, { profile: "original" });
  const builder = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
  try {
    await buildOriginalDemoDatabase(builder, originalPlan, { now: BUILT_AT });
    await builder.execute("CHECKPOINT");
  } finally {
    await builder.close();
  }
  const originalWh = createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
  // The names the pipeline wrote its attempts under (processors that never failed wrote none:
  // the registry's, which are the original's, stand for them).
  const written = await originalWh.query<{ processor_name: string }>("SELECT DISTINCT processor_name FROM nba_orchestration.reprocess_attempts");
  const pipelineNames: Partial<Record<ProcessorName, string>> = {};
  for (const { processor_name } of written) {
    const processor = resolveProcessorName(processor_name);
    expect(processor, processor_name).not.toBeNull();
    pipelineNames[processor!] = processor_name;
  }
  expect(Object.keys(pipelineNames).length).toBeGreaterThan(0);
  profiles.original = { wh: originalWh, plan: originalPlan, deployment: buildDeployment({ readers: "console", pipelineNames }) };
}, 600_000);

afterAll(async () => {
  await profiles.console?.wh.close();
  await profiles.original?.wh.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Dates of keys whose breaker is tripped now (the latest trip per key), by this file's own SQL. */
async function trippedDates(wh: Warehouse, def: ProcessorDef): Promise<string[]> {
  const names = [def.name, ...def.aliases].map((n) => `'${n}'`).join(", ");
  const rows = await wh.query<{ d: string }>(
    `SELECT DISTINCT CAST(analysis_date AS VARCHAR) AS d FROM nba_orchestration.reprocess_attempts
     WHERE processor_name IN (${names}) AND circuit_breaker_tripped AND circuit_breaker_until > TIMESTAMPTZ '${NOW}'
     ORDER BY d DESC`,
  );
  return rows.map((r) => r.d);
}

/** A few of the run's entities and, where it has them, one of each kind of trouble. */
function sample(entities: CheckedEntity[]): CheckedEntity[] {
  const picks = [
    ...entities.slice(0, 3),
    entities.find((e) => e.action === "skip_incomplete"),
    entities.find((e) => e.action === "skip_upstream_not_ready"),
    entities.find((e) => e.breaker.status === "active"),
    entities.find((e) => e.breaker.status === "failing"),
    entities.find((e) => e.breaker.status === "half_open"),
  ];
  return [...new Map(picks.filter((e): e is CheckedEntity => e !== undefined).map((e) => [e.entity_id, e])).values()];
}

/** The check's figures and the entity page's, in one shape. */
function fromCheck(e: CheckedEntity) {
  return {
    team: e.team,
    windows: e.windows.map((w) => ({
      id: w.id,
      expected: w.expected,
      actual: w.actual,
      missing: w.missing,
      pct: w.completeness_pct,
      ready: w.production_ready,
      missingGames: w.missing_games.map((g) => [g.game_id, g.game_date, g.opponent]),
    })),
    action: e.action,
    productionReady: e.production_ready,
    breaker: e.breaker.status,
    breakerTimeline: e.breaker.status,
  };
}

async function fromPage(p: Profile, def: ProcessorDef, entityId: string, date: string) {
  const detail = await getEntityDetail(entityId, date, { warehouse: p.wh, now: NOW, calendar: p.plan.calendar, deployment: p.deployment, actor: VIEWER });
  expect(detail.status, `${def.name} ${entityId} ${date}: ${JSON.stringify(detail).slice(0, 300)}`).toBe("found");
  const section = (detail as EntityFound).processors.find((s) => s.processor === def.name);
  if (!section?.live.ok) throw new Error(`${def.name} ${entityId} ${date}: no live recheck (${section?.live.ok === false ? section.live.message : "no section"})`);
  if (!section.breaker.ok) throw new Error(`${def.name} ${entityId} ${date}: no breaker state (${section.breaker.message})`);
  const live = section.live.value;
  return {
    team: live.team,
    windows: live.windows.map((w) => ({
      id: w.id,
      expected: w.expected,
      actual: w.actual,
      missing: w.missing,
      pct: w.completenessPct,
      ready: w.ready,
      missingGames: w.missingGames.map((g) => [g.gameId, g.date, g.opponent]),
    })),
    action: live.decision.action,
    productionReady: live.decision.productionReady,
    breaker: live.breakerStatus,
    breakerTimeline: section.breaker.value.state.status,
  };
}

describe.each(["console", "original"] as const)("on the %s profile", (name) => {
  it("a check's numbers equal the entity page's, entity by entity, for every processor", async () => {
    const p = profiles[name]!;
    const seen = { compared: 0, skipIncomplete: 0, skipUpstream: 0, active: 0, failing: 0 };
    for (const def of PROCESSORS) {
      const [tripped] = await trippedDates(p.wh, def);
      const dates = [...new Set([p.plan.simulateThrough, ...(tripped ? [tripped] : [])])];
      for (const date of dates) {
        const result = await checkRun(
          p.wh,
          { processor: def.name, analysis_date: date, run_id: `entity-${def.name}-${date}`, backfill: false, record: false },
          { actor: { name: "token:nightly", role: "pipeline" }, now: NOW, deployment: p.deployment, calendar: p.plan.calendar },
        );
        if (!result.ok) throw new Error(`${def.name} ${date}: ${result.message}`);
        expect(result.data.entities.length, `${def.name} ${date}`).toBeGreaterThan(0);
        for (const e of sample(result.data.entities)) {
          const page = await fromPage(p, getProcessor(def.name), e.entity_id, date);
          expect(page, `${name}: ${def.name} ${e.entity_id} ${date}`).toEqual(fromCheck(e));
          seen.compared++;
          if (e.action === "skip_incomplete") seen.skipIncomplete++;
          if (e.action === "skip_upstream_not_ready") seen.skipUpstream++;
          if (e.breaker.status === "active") seen.active++;
          if (e.breaker.status === "failing") seen.failing++;
        }
      }
    }
    console.info(`[check vs entity page] ${name}:`, seen);
    // Not vacuous: skips, a tripped key and a failing one were among the entities compared.
    expect(seen.compared).toBeGreaterThan(PROCESSORS.length * 3);
    expect(seen.skipIncomplete).toBeGreaterThan(0);
    expect(seen.active).toBeGreaterThan(0);
    expect(seen.failing).toBeGreaterThan(0);
  }, 300_000);
});
