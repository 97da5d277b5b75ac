import { describe, expect, it } from "vitest";

import { addDays } from "./dates";
import { calculateBackfillProgress } from "./backfill";

const START = "2024-10-22";
const on = (day: number, avg: number) => calculateBackfillProgress(addDays(START, day), START, avg);

// The original's 8 tests, same numbers: this function was right, only never called (defect 26).
describe("backfill progress — the original's 8 tests", () => {
  it.each([
    ["test_backfill_progress_day_5", 5, 20, 0, "ok"],
    ["test_backfill_progress_day_10_on_track", 10, 35, 30, "ok"],
    ["test_backfill_progress_day_10_behind", 10, 20, 30, "info"],
    ["test_backfill_progress_day_20_on_track", 20, 85, 80, "ok"],
    ["test_backfill_progress_day_20_behind", 20, 60, 80, "warning"],
    ["test_backfill_progress_day_30_on_track", 30, 98, 95, "ok"],
    ["test_backfill_progress_day_30_behind", 30, 70, 95, "critical"],
    ["test_backfill_progress_day_40", 40, 92, 95, "critical"],
  ] as const)("%s", (_name, day, avg, threshold, level) => {
    const p = on(day, avg);
    expect(p.daysSinceStart).toBe(day);
    expect(p.avgCompleteness).toBe(avg);
    expect(p.expectedThreshold).toBe(threshold);
    expect(p.alertLevel).toBe(level);
  });
});

describe("backfill progress — edges", () => {
  it("switches bands exactly at days 10, 20 and 30", () => {
    expect(on(9, 0).expectedThreshold).toBe(0);
    expect(on(19, 0).expectedThreshold).toBe(30);
    expect(on(29, 0).expectedThreshold).toBe(80);
  });

  it("is ok exactly at the threshold (alerts only below it)", () => {
    expect(on(30, 95).alertLevel).toBe("ok");
    expect(on(30, 94.99).alertLevel).toBe("critical");
  });

  it("treats dates before opening night as the first band", () => {
    expect(on(-5, 0)).toMatchObject({ daysSinceStart: -5, expectedThreshold: 0, alertLevel: "ok" });
  });

  it("formats the message as the original: Day {d}: {avg:.1f}% complete (expected {thr:.0f}%)", () => {
    expect(on(20, 60).message).toBe("Day 20: 60.0% complete (expected 80%)");
    expect(on(5, 12.34).message).toBe("Day 5: 12.3% complete (expected 0%)");
  });
});
