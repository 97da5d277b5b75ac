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

describe("shortDemoPlan (tests' small seasons)", () => {
  it("ends yesterday, spans the requested nights, and registers its opening night in the calendar", async () => {
    const { shortDemoPlan, SHORT_PLAN_DAYS } = await import("./plan");
    const plan = shortDemoPlan("2026-12-07T01:00:00.000Z");
    expect(plan.simulateThrough).toBe("2026-12-06");
    expect(daysBetween(plan.seasonStart, plan.simulateThrough) + 1).toBe(SHORT_PLAN_DAYS);
    expect(plan.profile).toBe("original");
    expect(seasonStartFor(plan.simulateThrough, plan.calendar)).toBe(plan.seasonStart);
    expect(seasonStartFor(plan.seasonStart, plan.calendar)).toBe(plan.seasonStart);
    const small = shortDemoPlan("2027-01-15T12:00:00.000Z", { days: 40, profile: "console" });
    expect(small).toMatchObject({ seasonStart: "2026-12-06", simulateThrough: "2027-01-14", profile: "console" });
    expect(seasonStartFor("2027-01-01", small.calendar)).toBe("2026-12-06");
    expect(() => shortDemoPlan("2026-12-07T01:00:00.000Z", { days: 0 })).toThrow(RangeError);
  });
});
