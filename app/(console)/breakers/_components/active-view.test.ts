import { describe, expect, it } from "vitest";

import { keyVerdict } from "@/lib/completeness/verdict";
import { formatCount } from "@/lib/format";

import { type ActiveRow, activeHeading, activeStateFrom, buildActiveView } from "./active-view";
import { breakersSearchSchema } from "@/lib/url-state";

const safe = keyVerdict({ status: "active", ownReady: true, cascadeReady: true, notReady: [], missingGames: 0 });
const missing = keyVerdict({ status: "active", ownReady: false, cascadeReady: true, notReady: [], missingGames: 2 });

function row(i: number, verdict: ActiveRow["verdict"]): ActiveRow {
  return {
    processor: "player_daily_cache",
    entity_id: `player${String(i).padStart(4, "0")}`,
    analysis_date: "2026-12-01",
    attempt_number: 3,
    completeness_pct: 80,
    skip_reason: "incomplete_upstream_data",
    tripped_at: "2026-12-02T04:00:00.000Z",
    breaker_until: "2026-12-09T04:00:00.000Z",
    hours_remaining: 40,
    notes: null,
    verdict,
  };
}

// 2,047 active keys, 2 of them safe: the heading must not print the unfiltered count alone.
const rows = Array.from({ length: 2047 }, (_, i) => row(i, i < 2 ? safe : missing));
const result = { as_of: "2026-12-06", now: "2026-12-07T12:00:00.000Z", rows };
const view = (search: Record<string, string>) => buildActiveView(result, activeStateFrom(breakersSearchSchema.parse(search)));

describe("the Active list's heading and verdict filter", () => {
  it("says how many of all the active keys the filters show", () => {
    const filtered = view({ safe: "yes" });
    expect(filtered.total).toBe(2);
    expect(activeHeading(filtered.total, filtered.all, filtered.filtered, formatCount)).toBe("Active breakers (2 of 2,047)");
    const entity = view({ q: "player0001" });
    expect(activeHeading(entity.total, entity.all, entity.filtered, formatCount)).toBe("Active breakers (1 of 2,047)");
    const all = view({});
    expect(activeHeading(all.total, all.all, all.filtered, formatCount)).toBe("Active breakers (2,047)");
  });

  it("filters and sorts by the verdict", () => {
    expect(view({ safe: "no" }).total).toBe(2045);
    expect(view({ safe: "yes" }).rows.every((r) => r.verdict?.safe)).toBe(true);
    expect(view({ sort: "verdict", dir: "asc" }).rows.slice(0, 3).map((r) => r.verdict?.safe)).toEqual([true, true, false]);
    expect(view({}).safe).toBe(2);
  });
});
