import { describe, expect, it } from "vitest";

import { evaluateAlerts } from "@/lib/completeness/alerts";

import { alertLinks } from "./alert-links";
import { trendFigureHref, trendFigureId } from "./trend-figures";

const health = (processor: "player_daily_cache" | "ml_feature_store", productionReadyPct: number, avgCompleteness: number) => ({
  processor,
  productionReadyPct,
  avgCompleteness,
  records: 100,
  activeBreakers: 0,
});

describe("links to a 7-day figure", () => {
  it("land on the 7-day range ending at the same date, at the row of the processor clicked", () => {
    expect(trendFigureHref("ready", { processor: "player_daily_cache", as_of: "2026-12-06" })).toBe("/trends?range=7&as_of=2026-12-06#figures-ready-player_daily_cache");
    expect(trendFigureHref("completeness", {})).toBe("/trends?range=7#figures-completeness");
    expect(trendFigureId("ready", "ml_feature_store")).toBe("figures-ready-ml_feature_store");
  });

  it("are what the readiness and completeness alerts link to", () => {
    const [ready, completeness] = evaluateAlerts([health("player_daily_cache", 38.9, 80), health("ml_feature_store", 95, 99)]);
    expect(alertLinks(ready!, { as_of: "2026-12-06" }).filter((l) => l.href.startsWith("/trends"))).toEqual([
      { processor: "player_daily_cache", label: "PDC: 38.9% ready over 7 days", href: "/trends?range=7&as_of=2026-12-06#figures-ready-player_daily_cache" },
    ]);
    expect(alertLinks(completeness!, { as_of: "2026-12-06" })[0]).toEqual({ label: "Completeness over 7 days", href: "/trends?range=7&as_of=2026-12-06#figures-completeness" });
  });
});
