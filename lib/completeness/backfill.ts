/**
 * Backfill progress, exactly the original's `calculate_backfill_progress` (reference §3.6):
 * how far completeness should have climbed N days after opening night. Client-safe, pure.
 *
 *   days since start   expected   alert when avg < expected
 *   < 10                   0      never ('ok')
 *   ≥ 10                  30      'info'
 *   ≥ 20                  80      'warning'
 *   ≥ 30                  95      'critical'
 *
 * The original defined it and no processor called it (defect 26); here the console uses it.
 * A date before opening night has a negative day count and falls in the first band.
 */
import { type IsoDate, daysBetween } from "./dates";

export type BackfillAlertLevel = "ok" | "info" | "warning" | "critical";

export interface BackfillProgress {
  daysSinceStart: number;
  avgCompleteness: number;
  expectedThreshold: number;
  alertLevel: BackfillAlertLevel;
  /** "Day {d}: {avg:.1f}% complete (expected {thr:.0f}%)" */
  message: string;
}

/** Bands from the latest start; the first that applies wins. */
const BANDS: readonly { minDays: number; threshold: number; level: BackfillAlertLevel }[] = [
  { minDays: 30, threshold: 95, level: "critical" },
  { minDays: 20, threshold: 80, level: "warning" },
  { minDays: 10, threshold: 30, level: "info" },
];

export function calculateBackfillProgress(date: IsoDate, seasonStart: IsoDate, avgCompleteness: number): BackfillProgress {
  const daysSinceStart = daysBetween(seasonStart, date);
  const band = BANDS.find((b) => daysSinceStart >= b.minDays);
  const expectedThreshold = band?.threshold ?? 0;
  const alertLevel: BackfillAlertLevel = band && avgCompleteness < band.threshold ? band.level : "ok";
  return {
    daysSinceStart,
    avgCompleteness,
    expectedThreshold,
    alertLevel,
    message: `Day ${daysSinceStart}: ${avgCompleteness.toFixed(1)}% complete (expected ${expectedThreshold.toFixed(0)}%)`,
  };
}
