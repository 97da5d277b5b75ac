import { describe, expect, it } from "vitest";

import { seasonStartFor } from "@/lib/completeness/calendar";
import { addDays, dayOfWeek, daysBetween } from "@/lib/completeness/dates";

import { SEASON_STRIDE_DAYS, planDemoSeason, planDemoSeasons } from "./plan";
import { SEASON_DAYS } from "./season";

describe("planDemoSeasons (the benchmark's consecutive seasons)", () => {
  for (const today of ["2026-11-26", "2026-01-15", "2025-06-30"]) {
    describe(`today ${today}`, () => {
      const plans = planDemoSeasons(today, 5);
      const latest = planDemoSeason(today);

      it("ends with today's demo season, unchanged but for the shared calendar", () => {
        expect(plans).toHaveLength(5);
        expect({ ...plans[4]!, calendar: latest.calendar }).toEqual(latest);
        expect(plans[4]!.calendar[latest.seasonYear]).toBe(latest.seasonStart);
      });

      it("moves each earlier season back by 52 weeks: same weekday, one season year earlier", () => {
        for (let i = 0; i < 4; i++) {
          const [a, b] = [plans[i]!, plans[i + 1]!];
          expect(daysBetween(a.seasonStart, b.seasonStart)).toBe(SEASON_STRIDE_DAYS);
          expect(dayOfWeek(a.seasonStart)).toBe(dayOfWeek(b.seasonStart));
          expect(a.seasonYear).toBe(b.seasonYear - 1);
          expect(a.calendar).toBe(b.calendar);
          expect(a.calendar[a.seasonYear]).toBe(a.seasonStart);
        }
      });

      it("simulates earlier seasons whole, on dates the calendar resolves to their own opening night", () => {
        for (const plan of plans.slice(0, -1)) {
          const days = daysBetween(plan.seasonStart, plan.simulateThrough) + 1;
          expect(days).toBeGreaterThan(100);
          expect(days).toBeLessThanOrEqual(SEASON_DAYS);
          for (let d = 0; d < days; d++) expect(seasonStartFor(addDays(plan.seasonStart, d), plan.calendar)).toBe(plan.seasonStart);
          expect(plan.simulateThrough < plans.at(-1)!.seasonStart).toBe(true);
        }
      });
    });
  }

  it("one season is today's demo season", () => {
    const [only] = planDemoSeasons("2026-11-26", 1);
    expect(only).toEqual(planDemoSeason("2026-11-26"));
  });
});
