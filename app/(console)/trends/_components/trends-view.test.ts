import { describe, expect, it } from "vitest";

import { breakerTrendDays } from "@/lib/monitoring/lists";

import { buildTrendsView, firstHistoryNow, resolveRange, trendChunks, windowFigures } from "./trends-view";

describe("trend ranges", () => {
  it("resolves fixed, season and custom ranges", () => {
    expect(resolveRange({ range: "7" }, "2026-11-25", "2026-07-07")).toMatchObject({ from: "2026-11-19", to: "2026-11-25", days: 7 });
    expect(resolveRange({ range: "90" }, "2026-11-25", "2026-07-07")).toMatchObject({ from: "2026-08-28", days: 90 });
    expect(resolveRange({ range: "season" }, "2026-11-25", "2026-07-07")).toMatchObject({ from: "2026-07-07", days: 142 });
    expect(resolveRange({ range: "custom", from: "2026-10-10", to: "2026-10-01" }, "2026-11-25", "2026-07-07")).toMatchObject({
      from: "2026-10-01",
      to: "2026-10-10",
      days: 10,
    });
    expect(resolveRange({ range: "custom", from: "2020-01-01", to: "2026-11-25" }, "2026-11-25", "2026-07-07").days).toBe(366);
  });

  it("reads long ranges as successive 30-day windows that cover them exactly", () => {
    expect(trendChunks("2026-11-19", "2026-11-25")).toEqual(["2026-11-25"]);
    expect(trendChunks("2026-10-27", "2026-11-25")).toEqual(["2026-11-25"]);
    expect(trendChunks("2026-10-26", "2026-11-25")).toEqual(["2026-11-25", "2026-10-26"]);
    expect(trendChunks("2026-07-07", "2026-11-25")).toEqual(["2026-11-25", "2026-10-26", "2026-09-26", "2026-08-27", "2026-07-28"]);
    // Trips: the attempts of whole 30-day windows ending at now that reach back to the range's start.
    expect(breakerTrendDays("2026-11-26T15:00:00.000Z", "2026-10-28")).toBe(30);
    expect(breakerTrendDays("2026-11-26T15:00:00.000Z", "2026-10-27")).toBe(60);
    expect(breakerTrendDays("2026-11-26T15:00:00.000Z", "2026-10-20")).toBe(60);
    expect(breakerTrendDays("2026-11-26T15:00:00.000Z", "2026-09-26")).toBe(90);
    expect(breakerTrendDays("2026-11-26T15:00:00.000Z", "2000-01-01")).toBe(600);
    expect(firstHistoryNow("2026-11-25", "2026-11-26T15:00:00.000Z")).toBeUndefined();
    expect(firstHistoryNow("2026-10-01", "2026-11-26T15:00:00.000Z")).toBe("2026-10-09T00:00:00.000Z");
  });
});

describe("the trends view", () => {
  it("places values on their dates, leaves gaps, counts trips per analysis date once, marks operator events", () => {
    const range = resolveRange({ range: "7" }, "2026-11-25", "2026-07-07");
    const meta = { as_of: "2026-11-25", now: "2026-11-26T15:00:00.000Z", read_at: "2026-11-26T15:00:00.000Z" };
    const trip = {
      attempted_at: "2026-11-25T04:30:00.000Z",
      processor: "player_daily_cache",
      entity_id: "lebronjames",
      analysis_date: "2026-11-24",
      attempt_number: 3,
      event: "trip" as const,
      completeness_pct: 50,
      skip_reason: "incomplete_upstream_data",
      actor: null,
      notes: null,
    };
    const view = buildTrendsView(
      range,
      [
        {
          ...meta,
          rows: [
            { date: "2026-11-24", processor: "player_daily_cache", avg_completeness_pct: 91.5, production_ready_pct: 80, records: 450 },
            { date: "2026-10-01", processor: "player_daily_cache", avg_completeness_pct: 10, production_ready_pct: 10, records: 1 },
          ],
        },
      ],
      // One trip on 11-24; the console's override is told by its audit record, not counted here.
      { ...meta, rows: [{ event: "trip", processor: trip.processor, date: trip.analysis_date, n: 1 }] },
    );
    expect(view.dates).toHaveLength(7);
    const pdc = view.series.find((s) => s.processor === "player_daily_cache")!;
    expect(pdc.completeness).toEqual([null, null, null, null, null, 91.5, null]);
    expect(pdc.trips).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expect(view.series).toHaveLength(7);
    // The console's override row is told by its audit record (none given here), not by the row.
    expect(view.events).toEqual([]);
    expect(view.window).toBeNull();
  });

  it("marks every audited action, those whose rows a reset deleted and today's after the range, plus unaudited legacy rows", () => {
    const range = resolveRange({ range: "7" }, "2026-11-25", "2026-07-07");
    const meta = { as_of: "2026-11-25", now: "2026-11-26T15:00:00.000Z", read_at: "2026-11-26T15:00:00.000Z" };
    // A row the original's helper script wrote: no actor, no audit record.
    const legacy = {
      attempted_at: "2026-11-20T10:00:00.000Z",
      processor: "player_daily_cache",
      entity_id: "lebronjames",
      analysis_date: "2026-11-18",
      attempt_number: 4,
      event: "override" as const,
      completeness_pct: null,
      skip_reason: "MANUAL_OVERRIDE",
      actor: null,
      notes: "Manual override applied by jordan.oncall",
    };
    const audited = [
      // Its rows were deleted by the reset two days later: only the audit remembers it.
      { action: "override" as const, actor: "jordan.oncall", key_count: 1, created_at: "2026-11-21T15:30:00.000Z" },
      { action: "bulk_override" as const, actor: "maria.ops", key_count: 120, created_at: "2026-11-21T16:00:00.000Z" },
      { action: "reset" as const, actor: "dana.admin", key_count: 1, created_at: "2026-11-23T15:30:00.000Z" },
      // Today, the day after the data date the range ends at.
      { action: "override" as const, actor: "sam.oncall", key_count: 2, created_at: "2026-11-26T09:12:00.000Z" },
      // Before the range: not drawn.
      { action: "reset" as const, actor: "dana.admin", key_count: 1, created_at: "2026-11-10T09:00:00.000Z" },
    ];
    const health = {
      ...meta,
      rows: [
        { processor: "player_daily_cache", unique_entities: 450, total_records: 3150, avg_completeness_pct: 91.25, min_completeness_pct: 0, max_completeness_pct: 100, production_ready_count: 1225, production_ready_pct: 38.89, active_breakers: 3, bootstrap_records: 0 },
      ],
    };
    const counted = { ...meta, rows: [{ event: "override" as const, processor: null, date: legacy.attempted_at.slice(0, 10), n: 1 }] };
    const view = buildTrendsView(range, [{ ...meta, rows: [] }], counted, audited, windowFigures(health, 7));
    expect(view.dates.at(-1)).toBe("2026-11-26");
    expect(view.dates).toHaveLength(8);
    expect(view.range.days).toBe(7);
    expect(view.series[0]!.completeness).toHaveLength(8);
    expect(view.events).toEqual([
      { date: "2026-11-20", overrides: 1, resets: 0, restores: 0, actors: [] },
      { date: "2026-11-21", overrides: 121, resets: 0, restores: 0, actors: ["jordan.oncall", "maria.ops"] },
      { date: "2026-11-23", overrides: 0, resets: 1, restores: 0, actors: ["dana.admin"] },
      { date: "2026-11-26", overrides: 2, resets: 0, restores: 0, actors: ["sam.oncall"] },
    ]);
    expect(view.window).toEqual({ from: "2026-11-19", to: "2026-11-25", byProcessor: { player_daily_cache: { ready: 38.89, completeness: 91.25, records: 3150 } } });
  });
});
