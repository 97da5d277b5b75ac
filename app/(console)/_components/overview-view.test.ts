import { describe, expect, it } from "vitest";

import { DEFAULT_ALERT_THRESHOLDS, evaluateAlerts } from "@/lib/completeness/alerts";
import { toProcessorHealth } from "@/lib/monitoring/processor-health";
import { alertLinks } from "@/lib/monitoring/alert-links";
import type { MonitoringRow } from "@/lib/monitoring/schemas";

import { buildAlertsView, buildOverviewView } from "./overview-view";

const meta = { as_of: "2026-11-25", now: "2026-11-26T15:00:00.000Z", read_at: "2026-11-26T15:00:00.000Z" };

function health(processor: string, over: Partial<MonitoringRow<"health">> = {}): MonitoringRow<"health"> {
  return {
    processor,
    unique_entities: 450,
    total_records: 3150,
    avg_completeness_pct: 95,
    min_completeness_pct: 50,
    max_completeness_pct: 100,
    production_ready_count: 3000,
    production_ready_pct: 95.24,
    active_breakers: 0,
    bootstrap_records: 0,
    ...over,
  };
}

const rows = [
  health("player_daily_cache", { production_ready_pct: 31.9, avg_completeness_pct: 88.1, active_breakers: 1400 }),
  health("ml_feature_store", { production_ready_pct: 32.3, active_breakers: 602 }),
  health("upcoming_team_game_context", { total_records: 0, avg_completeness_pct: null, production_ready_pct: null }),
];

describe("the overview's alerts", () => {
  it("links each alert to exactly the rows that raised it, per processor", () => {
    const alerts = evaluateAlerts(toProcessorHealth(rows), { ...DEFAULT_ALERT_THRESHOLDS, infoAvgCompleteness: 99 });
    expect(alerts.map((a) => a.code)).toEqual(["active_breakers", "production_ready_low", "avg_completeness_low"]);
    const [breakers] = alerts;
    expect(alertLinks(breakers!, { as_of: "2026-11-25" }).map((l) => l.href)).toEqual([
      "/breakers?tab=active&as_of=2026-11-25",
      "/breakers?tab=active&processor=player_daily_cache&as_of=2026-11-25",
      "/breakers?tab=active&processor=ml_feature_store&as_of=2026-11-25",
    ]);
  });

  it("re-evaluates the alerts from refreshed health rows", () => {
    const view = buildAlertsView({ ...meta, rows }, DEFAULT_ALERT_THRESHOLDS);
    expect(view.alerts.map((a) => [a.level, a.message])).toEqual([
      ["critical", "2002 circuit breakers active (alert above 10)"],
      ["warning", "2 processor(s) below 90% production ready over the last 7 days (lowest: player_daily_cache, 31.9%)"],
      ["info", "Average completeness over the last 7 days 91.5% is below 92%"],
    ]);
    expect(view.alerts[0]!.links[0]).toEqual({ label: "All 2002 active breakers", href: "/breakers?tab=active&as_of=2026-11-25" });
  });
});

describe("the overview's processor rows", () => {
  it("lists every registry processor, worst first, a processor without output as no data", () => {
    const readiness: MonitoringRow<"readiness">[] = [
      { processor: "player_daily_cache", total_records: 450, ready_count: 45, not_ready_count: 405, ready_pct: 10, avg_completeness_pct: 89.98, status: "critical" },
      { processor: "team_defense_zone_analysis", total_records: 30, ready_count: 27, not_ready_count: 3, ready_pct: 90, avg_completeness_pct: 93.31, status: "good" },
      { processor: "upcoming_team_game_context", total_records: 0, ready_count: 0, not_ready_count: 0, ready_pct: null, avg_completeness_pct: null, status: "critical" },
    ];
    const trends: MonitoringRow<"trends">[] = [
      { date: "2026-11-25", processor: "player_daily_cache", avg_completeness_pct: 89.98, production_ready_pct: 10, records: 450 },
      { date: "2026-11-19", processor: "player_daily_cache", avg_completeness_pct: 99, production_ready_pct: 100, records: 450 },
      { date: "2026-11-18", processor: "player_daily_cache", avg_completeness_pct: 99, production_ready_pct: 99, records: 450 },
    ];
    const view = buildOverviewView({ ...meta, rows }, { ...meta, rows: readiness }, { ...meta, rows: trends });
    expect(view.rows).toHaveLength(7);
    expect(view.rows.slice(0, 2).map((r) => [r.processor, r.status])).toEqual([
      // Processors without output on as_of come first (registry order among them)…
      ["player_shot_zone_analysis", "no-data"],
      ["player_composite_factors", "no-data"],
    ]);
    const pdc = view.rows.find((r) => r.processor === "player_daily_cache")!;
    expect(pdc).toMatchObject({ status: "critical", readyPct: 10, readyCount: 45, totalRecords: 450, activeBreakers: 1400, readyPct7: 31.9 });
    // The sparkline: the 7 dates ending at as_of, gaps where the trends query has no row.
    expect(pdc.spark.map((p) => p.value)).toEqual([100, null, null, null, null, null, 10]);
    // …and the best last.
    expect(view.rows.at(-1)!.processor).toBe("team_defense_zone_analysis");
  });
});
