import { describe, expect, it } from "vitest";

import {
  DEFAULT_SEASON_CALENDAR,
  approxRegularSeasonEnd,
  daysSinceSeasonStart,
  hasKnownSeasonStart,
  isBootstrap,
  isSeasonBoundary,
  seasonPhaseOf,
  seasonStartFor,
  seasonStartOfYear,
  seasonYearOf,
} from "./calendar";

// The original's tests passed season_start = 2024-10-22 explicitly; here it comes from the
// calendar, which has 2024-10-22 for the 2024-25 season.
describe("bootstrap — the original's 5 tests, corrected semantics", () => {
  it("test_bootstrap_mode_day_0: opening night is bootstrap", () => {
    expect(isBootstrap("2024-10-22")).toBe(true);
  });

  it("test_bootstrap_mode_day_29: 2024-11-20 is bootstrap", () => {
    expect(daysSinceSeasonStart("2024-11-20")).toBe(29);
    expect(isBootstrap("2024-11-20")).toBe(true);
  });

  it("test_bootstrap_mode_day_30: 2024-11-21 is not bootstrap", () => {
    expect(daysSinceSeasonStart("2024-11-21")).toBe(30);
    expect(isBootstrap("2024-11-21")).toBe(false);
  });

  it("test_bootstrap_mode_day_60: 2024-12-21 is not bootstrap", () => {
    expect(isBootstrap("2024-12-21")).toBe(false);
  });

  it("test_bootstrap_mode_custom_days: day 15 is not bootstrap with 10 days, is with 20", () => {
    expect(isBootstrap("2024-11-06", { bootstrapDays: 10 })).toBe(false);
    expect(isBootstrap("2024-11-06", { bootstrapDays: 20 })).toBe(true);
  });
});

describe("bootstrap — what the original got wrong", () => {
  it("uses the real opening night, not October 1st (six of the original processors used Oct 1)", () => {
    // With Oct 1 as the start, 2024-10-31 would be day 30 and not bootstrap.
    expect(isBootstrap("2024-10-31")).toBe(true);
    // 2023-24 opened on 2023-10-24: day 29 is 2023-11-22.
    expect(isBootstrap("2023-11-22")).toBe(true);
    expect(isBootstrap("2023-11-23")).toBe(false);
  });

  it("is never bootstrap in January–September of a season (the PDC season_year fallback bug)", () => {
    expect(isBootstrap("2025-01-15")).toBe(false);
    expect(isBootstrap("2025-09-30")).toBe(false);
  });

  it("is bootstrap for an explicit backfill run, whatever the date (claimed, never implemented)", () => {
    expect(isBootstrap("2025-02-10", { backfill: true })).toBe(true);
    expect(isBootstrap("2025-02-10", { backfill: false })).toBe(false);
  });

  it("treats preseason dates (before opening night) as bootstrap", () => {
    expect(daysSinceSeasonStart("2024-10-01")).toBe(-21);
    expect(isBootstrap("2024-10-01")).toBe(true);
    expect(isBootstrap("2024-10-21")).toBe(true);
  });

  it("takes the calendar as configuration", () => {
    const calendar = { ...DEFAULT_SEASON_CALENDAR, 2024: "2024-10-01" };
    expect(isBootstrap("2024-10-31", { calendar })).toBe(false);
    expect(seasonStartFor("2025-03-01", calendar)).toBe("2024-10-01");
  });
});

describe("season boundary — the original's 6 tests (an informational flag only)", () => {
  // Kept for the `season_boundary_detected` column: all of Oct, Nov and Apr. It never changes a
  // decision; the original's docstring promised Oct 15–Nov 1 and Apr 15–30, its code did not.
  it("test_season_boundary_october", () => {
    for (const d of ["2024-10-01", "2024-10-15", "2024-10-31"]) expect(isSeasonBoundary(d)).toBe(true);
  });
  it("test_season_boundary_november", () => {
    for (const d of ["2024-11-01", "2024-11-15", "2024-11-30"]) expect(isSeasonBoundary(d)).toBe(true);
  });
  it("test_season_boundary_april", () => {
    for (const d of ["2025-04-01", "2025-04-15", "2025-04-30"]) expect(isSeasonBoundary(d)).toBe(true);
  });
  it("test_not_season_boundary_december", () => {
    for (const d of ["2024-12-01", "2024-12-25"]) expect(isSeasonBoundary(d)).toBe(false);
  });
  it("test_not_season_boundary_january", () => {
    expect(isSeasonBoundary("2025-01-15")).toBe(false);
  });
  it("test_not_season_boundary_march", () => {
    expect(isSeasonBoundary("2025-03-15")).toBe(false);
  });
});

describe("season year and start", () => {
  it("puts Oct–Dec in that year's season and Jan–Sep in the previous one", () => {
    expect(seasonYearOf("2024-10-01")).toBe(2024);
    expect(seasonYearOf("2024-12-31")).toBe(2024);
    expect(seasonYearOf("2025-01-01")).toBe(2024);
    expect(seasonYearOf("2025-09-30")).toBe(2024);
  });

  it("returns the calendar's opening nights", () => {
    expect(seasonStartFor("2021-12-01")).toBe("2021-10-19");
    expect(seasonStartFor("2023-02-01")).toBe("2022-10-18");
    expect(seasonStartFor("2024-01-10")).toBe("2023-10-24");
    expect(seasonStartFor("2025-04-01")).toBe("2024-10-22");
    expect(seasonStartFor("2025-11-01")).toBe("2025-10-21");
  });

  it("estimates an unknown season as the first Tuesday on or after Oct 18 (matches all five known)", () => {
    for (const [year, start] of Object.entries(DEFAULT_SEASON_CALENDAR)) {
      expect(seasonStartOfYear(Number(year), {})).toBe(start);
    }
    expect(hasKnownSeasonStart(2026)).toBe(false);
    expect(seasonStartOfYear(2026)).toBe("2026-10-20");
    expect(hasKnownSeasonStart(2024)).toBe(true);
  });

  it("reports the season phase (display only, regular-season end approximated as Apr 15)", () => {
    expect(approxRegularSeasonEnd(2024)).toBe("2025-04-15");
    expect(seasonPhaseOf("2024-10-21")).toBe("preseason");
    expect(seasonPhaseOf("2024-10-22")).toBe("regular_season");
    expect(seasonPhaseOf("2025-04-15")).toBe("regular_season");
    expect(seasonPhaseOf("2025-05-01")).toBe("postseason_or_offseason");
    expect(seasonPhaseOf("2025-09-30")).toBe("postseason_or_offseason");
  });
});

describe("a calendar season off the October rhythm (the shifted demo season)", () => {
  const demo = { ...DEFAULT_SEASON_CALENDAR, 2026: "2026-07-07" };
  it("assigns its dates to it, even in months the October rule gives to the previous season", () => {
    expect(seasonStartFor("2026-08-01", demo)).toBe("2026-07-07");
    expect(seasonStartFor("2026-11-25", demo)).toBe("2026-07-07");
    expect(isBootstrap("2026-08-05", { calendar: demo })).toBe(true); // day 29
    expect(isBootstrap("2026-08-06", { calendar: demo })).toBe(false); // day 30
  });
  it("leaves the real seasons as they were", () => {
    expect(seasonStartFor("2026-03-01", demo)).toBe("2025-10-21");
    expect(seasonStartFor("2025-10-10", demo)).toBe("2025-10-21"); // preseason: ahead
  });
});
