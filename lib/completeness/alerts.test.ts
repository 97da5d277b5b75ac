import { describe, expect, it } from "vitest";

import { type ProcessorHealth, evaluateAlerts, overallAvgCompleteness } from "./alerts";

const h = (processor: ProcessorHealth["processor"], over: Partial<ProcessorHealth> = {}): ProcessorHealth => ({
  processor,
  productionReadyPct: 97,
  avgCompleteness: 98,
  records: 100,
  activeBreakers: 0,
  ...over,
});

describe("alerts: critical above the active-breaker threshold, warning below the ready %, info below the average completeness", () => {
  it("a healthy console raises nothing", () => {
    expect(evaluateAlerts([h("player_daily_cache"), h("team_defense_zone_analysis")])).toEqual([]);
  });

  it("critical when more than 10 breakers are active in total (10 is not enough)", () => {
    const ten = [h("player_daily_cache", { activeBreakers: 6 }), h("ml_feature_store", { activeBreakers: 4 }), h("team_defense_zone_analysis")];
    expect(evaluateAlerts(ten)).toEqual([]);
    const eleven = [h("player_daily_cache", { activeBreakers: 7 }), h("ml_feature_store", { activeBreakers: 4 }), h("team_defense_zone_analysis")];
    expect(evaluateAlerts(eleven)).toEqual([
      {
        level: "critical",
        code: "active_breakers",
        value: 11,
        threshold: 10,
        comparison: ">",
        processors: ["player_daily_cache", "ml_feature_store"],
        perProcessor: [
          { processor: "player_daily_cache", value: 7 },
          { processor: "ml_feature_store", value: 4 },
        ],
        message: "11 circuit breakers active (alert above 10)",
      },
    ]);
  });

  it("warning when any processor's production-ready % is under 90, naming each", () => {
    const alerts = evaluateAlerts([h("player_daily_cache", { productionReadyPct: 85.5 }), h("ml_feature_store", { productionReadyPct: 90 }), h("player_composite_factors", { productionReadyPct: 72 })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      level: "warning",
      code: "production_ready_low",
      value: 72,
      threshold: 90,
      processors: ["player_daily_cache", "player_composite_factors"],
      perProcessor: [
        { processor: "player_daily_cache", value: 85.5 },
        { processor: "player_composite_factors", value: 72 },
      ],
    });
    // The figure is the 7-day one (the overview also shows each processor's last day alone): the
    // message says so, and whose figure the lowest is.
    expect(alerts[0]!.message).toBe("2 processor(s) below 90% production ready over the last 7 days (lowest: player_composite_factors, 72%)");
  });

  it("info when the row-weighted average completeness is under 92", () => {
    // (95 × 300 + 80 × 100) / 400 = 91.25
    const health = [h("player_daily_cache", { avgCompleteness: 95, records: 300 }), h("team_defense_zone_analysis", { avgCompleteness: 80, records: 100 })];
    expect(overallAvgCompleteness(health)).toBe(91.25);
    expect(evaluateAlerts(health)).toEqual([
      expect.objectContaining({
        level: "info",
        code: "avg_completeness_low",
        value: 91.25,
        threshold: 92,
        processors: ["team_defense_zone_analysis"],
        message: "Average completeness over the last 7 days 91.3% is below 92%",
      }),
    ]);
    // Exactly 92 is not under 92.
    expect(evaluateAlerts([h("player_daily_cache", { avgCompleteness: 92 })])).toEqual([]);
  });

  it("processors without rows raise nothing and do not dilute the average", () => {
    const health = [h("player_daily_cache", { productionReadyPct: null, avgCompleteness: null, records: 0 }), h("ml_feature_store", { avgCompleteness: 93 })];
    expect(overallAvgCompleteness(health)).toBe(93);
    expect(evaluateAlerts(health)).toEqual([]);
    expect(overallAvgCompleteness([])).toBeNull();
  });

  it("takes thresholds as configuration and orders alerts by severity", () => {
    const health = [h("player_daily_cache", { activeBreakers: 3, productionReadyPct: 93, avgCompleteness: 94 })];
    const alerts = evaluateAlerts(health, { criticalActiveBreakers: 2, warningReadyPct: 95, infoAvgCompleteness: 95 });
    expect(alerts.map((a) => [a.level, a.value, a.threshold])).toEqual([
      ["critical", 3, 2],
      ["warning", 93, 95],
      ["info", 94, 95],
    ]);
  });
});
