/**
 * One notion of now for the console profile: a demo built at 01:00 UTC holds nothing stamped
 * after 01:00 — not that night's runs (04:00–04:30), not the operators' 15:30 actions of that
 * day, not the box scores that land later (late games, backfills still to come). A short plan,
 * so the real engine runs only a few weeks of nights.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type BuildSummary, buildDemoDatabase } from "@/lib/demo/build";
import { shortDemoPlan } from "@/lib/demo/plan";
import { generateSeason } from "@/lib/demo/season";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";

const BUILT_AT = "2026-12-07T01:00:00.000Z";
const plan = shortDemoPlan(BUILT_AT, { days: 36, profile: "console" });
const wh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
let summary: BuildSummary;

beforeAll(async () => {
  summary = await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
}, 240_000);
afterAll(() => wh.close());

describe("the console profile built at 01:00 UTC", () => {
  it("holds no event after its build time, in any table", async () => {
    const columns = await wh.query<{ s: string; t: string; c: string }>(
      "SELECT table_schema AS s, table_name AS t, column_name AS c FROM information_schema.columns WHERE data_type LIKE 'TIMESTAMP%' AND table_schema LIKE 'nba_%'",
    );
    let checked = 0;
    for (const { s, t, c } of columns) {
      // Deadlines (a cooldown's end, a token's expiry) lie ahead by design; they are not events.
      if (/until|expires/.test(c)) continue;
      const [r] = await wh.query<{ late: number; n: number }>(`SELECT COALESCE(COUNTIF(${c} > TIMESTAMPTZ '${BUILT_AT}'), 0) AS late, COUNT(${c}) AS n FROM ${s}.${t}`);
      expect(r!.late, `${s}.${t}.${c}`).toBe(0);
      checked += r!.n;
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("ran every night before the last one, and not the last one (its runs start at 04:00)", async () => {
    expect(summary.nights).toBe(35);
    const [r] = await wh.query<{ last: string }>(
      "SELECT CAST(MAX(analysis_date) AS VARCHAR) AS last FROM nba_orchestration.reprocess_attempts WHERE analysis_date >= DATE '2000-01-01'",
    );
    expect(r!.last < plan.simulateThrough).toBe(true);
  });

  it("leaves out the box scores that land after build time", async () => {
    const season = generateSeason({ seed: plan.seed, seasonStart: plan.seasonStart, seasonYear: plan.seasonYear, simulateThrough: plan.simulateThrough });
    const landed = season.bdlPlayerBoxscores.filter((r) => r.processed_at <= BUILT_AT).length;
    expect(landed).toBeLessThan(season.bdlPlayerBoxscores.length);
    const [r] = await wh.query<{ n: number }>("SELECT COUNT(*) AS n FROM nba_raw.bdl_player_boxscores WHERE game_date >= DATE '2000-01-01'");
    expect(r!.n).toBe(landed);
    expect(summary.upstreamRows["nba_raw.bdl_player_boxscores"]).toBe(landed);
  });
});
