/**
 * The demo season, built exactly as `npm start` builds it (today's plan, the real engine), then
 * checked against its stored rows (lib/demo/verify.ts). Slow by nature (about a minute on two
 * cores): it is the whole season.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addDays } from "@/lib/completeness/dates";
import { buildDemoDatabase, type BuildSummary } from "@/lib/demo/build";
import { planDemoSeason } from "@/lib/demo/plan";
import { verifyDemoDatabase, type VerifyReport } from "@/lib/demo/verify";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";

// One instant for the plan and the build, so a run across midnight cannot see two todays.
const startedAt = new Date();
const now = startedAt.toISOString();
const today = now.slice(0, 10);
const plan = planDemoSeason(today);
const wh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
let summary: BuildSummary;
let report: VerifyReport;

beforeAll(async () => {
  const started = performance.now();
  summary = await buildDemoDatabase(wh, plan, () => {}, { now });
  console.log(`[demo] built in ${((performance.now() - started) / 1000).toFixed(1)} s`, summary);
  report = await verifyDemoDatabase(wh, plan, now, addDays(plan.seasonStart, summary.nights - 1));
  console.log("[demo] verify", report.facts);
}, 600_000);
afterAll(() => wh.close());

describe("the simulated season", () => {
  it("ends yesterday", () => {
    // Yesterday by the calendar (UTC), computed without the code under test.
    const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const yesterday = dayBefore(today);
    expect(plan.simulateThrough).toBe(yesterday);
    // A night's seven runs go at 04:00–04:30 UTC the next morning: built before 04:30 today,
    // yesterday's night has not happened yet and the season's last night is the day before.
    const lastNight = now >= `${today}T04:30:00.000Z` ? yesterday : dayBefore(yesterday);
    const nights = (Date.parse(`${lastNight}T00:00:00Z`) - Date.parse(`${plan.seasonStart}T00:00:00Z`)) / 86_400_000 + 1;
    expect(summary.nights).toBe(nights);
    expect(summary.nights).toBeGreaterThan(100);
  });

  it("holds every invariant over its stored rows", () => {
    expect(report.problems.slice(0, 20)).toEqual([]);
  });

  it("has breakers active now, recoveries, overrides by demo operators and a reset", () => {
    expect(report.facts.activeBreakers).toBeGreaterThan(0);
    expect(report.facts.recoveries).toBeGreaterThan(0);
    expect(report.facts.overrides).toBeGreaterThan(1);
    expect(report.facts.resets).toBe(1);
    // The last: on-call's override of one date's recovered upstream keys, the afternoon before.
    expect(summary.operatorActions.map((a) => a.split(" ")[0])).toEqual(["bulk", "override", "reset", "bulk"]);
    expect(summary.operatorActions.at(-1)).toContain("recovered upstream breakers");
  });

  it("ends on a morning with recovered breakers (single and cascade keys), ones still missing data and cascades waiting, every one judged", () => {
    const m = summary.morning!;
    expect(m.unjudged).toBe(0);
    expect(m.recovered.length).toBeGreaterThan(0);
    expect(m.stillMissing.length).toBeGreaterThan(0);
    expect(m.cascadeWaiting.length).toBeGreaterThan(0);
    expect(m.recovered.length + m.stillMissing.length + m.cascadeWaiting.length).toBe(report.facts.activeBreakers);
  });

  it("fills the upstream tables with a full schedule and box scores", () => {
    expect(summary.upstreamRows["nba_raw.nbac_schedule"]).toBeGreaterThanOrEqual(1230);
    expect(summary.upstreamRows["nba_analytics.player_game_summary"]).toBeGreaterThan(10_000);
  });
});
