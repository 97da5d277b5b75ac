import { describe, expect, it } from "vitest";

import type { BreakerEventType, BreakerRowInput, OverrideResultRow } from "./breaker";
import { overrideWeeks, weekOf, weeksBetween } from "./override-trends";

const row = (attempted_at: string, event_type: BreakerEventType, attempt_number: number): BreakerRowInput => ({
  attempt_number,
  attempted_at,
  completeness_pct: 50,
  skip_reason: event_type === "override" ? "MANUAL_OVERRIDE" : "incomplete_upstream_data",
  circuit_breaker_tripped: event_type === "trip",
  circuit_breaker_until: null,
  manual_override_applied: false,
  notes: null,
  event_type,
});
const outcome = (at: string, o: OverrideResultRow["outcome"]): OverrideResultRow => ({ at, actor: "a", request_id: "r", batch_id: null, outcome: o, decided_at: null });

describe("ISO weeks", () => {
  it("start on Monday, UTC", () => {
    expect(weekOf("2026-12-07")).toBe("2026-12-07"); // a Monday
    expect(weekOf("2026-12-13")).toBe("2026-12-07"); // the Sunday after
    expect(weekOf("2026-12-06")).toBe("2026-11-30");
    expect(weeksBetween("2026-12-02", "2026-12-14")).toEqual(["2026-11-30", "2026-12-07", "2026-12-14"]);
  });
});

describe("overrideWeeks", () => {
  it("counts overrides by outcome, trips and the trips overridden later, per processor and week", () => {
    const rows = [
      row("2026-12-01T04:00:00Z", "trip", 3), // week of 11-30, overridden later (12-08)
      row("2026-12-08T15:30:00Z", "override", 4),
      row("2026-12-09T04:00:00Z", "trip", 5), // week of 12-07, never overridden after it
    ];
    const other = [row("2026-12-13T23:59:59.999Z", "trip", 3), row("2026-12-14T00:00:00Z", "override", 4)];
    const weeks = overrideWeeks(
      [
        { processor: "player_daily_cache", rows, outcomes: [outcome("2026-12-08T15:30:00Z", "re_tripped")] },
        { processor: "player_daily_cache", rows: other, outcomes: [outcome("2026-12-14T00:00:00Z", "pending")] },
        { processor: "ml_feature_store", rows: [row("2026-12-02T04:00:00Z", "override", 4)], outcomes: [outcome("2026-12-02T04:00:00Z", "processed")] },
      ],
      "2026-12-01",
      "2026-12-14",
    );
    const pdc = weeks.filter((w) => w.processor === "player_daily_cache");
    expect(pdc.map((w) => [w.week, w.overrides, w.re_tripped, w.pending, w.success_rate, w.trips, w.trips_overridden, w.false_positive_share])).toEqual([
      ["2026-11-30", 0, 0, 0, null, 1, 1, 1],
      ["2026-12-07", 1, 1, 0, 0, 2, 1, 0.5],
      // Pending only: nothing decided, no rate.
      ["2026-12-14", 1, 0, 1, null, 0, 0, null],
    ]);
    const mlfs = weeks.filter((w) => w.processor === "ml_feature_store");
    expect(mlfs.map((w) => [w.week, w.overrides, w.processed, w.success_rate])).toEqual([
      ["2026-11-30", 1, 1, 1],
      ["2026-12-07", 0, 0, null],
      ["2026-12-14", 0, 0, null],
    ]);
  });

  it("leaves out events outside the range's weeks and processors with nothing in them", () => {
    const rows = [row("2026-11-29T23:00:00Z", "trip", 3), row("2026-12-21T00:00:00Z", "override", 4)];
    expect(overrideWeeks([{ processor: "player_daily_cache", rows, outcomes: [outcome("2026-12-21T00:00:00Z", "processed")] }], "2026-12-01", "2026-12-14")).toEqual([]);
  });
});
