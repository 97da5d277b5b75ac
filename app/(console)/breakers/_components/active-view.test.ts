import { describe, expect, it } from "vitest";

import { formatCount } from "@/lib/format";
import { activeListSchema, listInput, listSearch } from "@/lib/monitoring/lists";
import { breakersSearchSchema } from "@/lib/url-state";

import { activeHeading, activeQuery, activeStateFrom, buildActiveView } from "./active-view";

const state = (search: Record<string, string>) => activeStateFrom(breakersSearchSchema.parse(search));

describe("the Active list's heading", () => {
  it("says how many of all the active keys the filters show", () => {
    const page = { as_of: "2026-12-06", now: "2026-12-07T12:00:00.000Z", rows: [], page: 1, page_size: 50, facets: { dates: [], reasons: [] }, safe: 2 };
    const filtered = buildActiveView({ ...page, total: 2, all: 2047 }, state({ safe: "yes" }));
    expect(activeHeading(filtered.total, filtered.all, filtered.filtered, formatCount)).toBe("Active breakers (2 of 2,047)");
    const entity = buildActiveView({ ...page, total: 1, all: 2047 }, state({ q: "player0001" }));
    expect(activeHeading(entity.total, entity.all, entity.filtered, formatCount)).toBe("Active breakers (1 of 2,047)");
    const all = buildActiveView({ ...page, total: 2047, all: 2047 }, state({}));
    expect(activeHeading(all.total, all.all, all.filtered, formatCount)).toBe("Active breakers (2,047)");
    expect(all.safe).toBe(2);
  });
});

describe("the URL's state as the list API's request", () => {
  it("carries the filters, sort, direction and page, 50 rows a page, and reads back as the same request", () => {
    const query = activeQuery(state({ processor: "player_daily_cache,ml_feature_store_v2", date: "2026-12-01", reason: "incomplete_upstream_data", q: "lebron", safe: "no", sort: "verdict", dir: "asc", page: "3" }));
    expect(query).toEqual({
      processor: ["player_daily_cache", "ml_feature_store"],
      date: "2026-12-01",
      reason: "incomplete_upstream_data",
      q: "lebron",
      safe: "no",
      sort: "verdict",
      dir: "asc",
      page: 3,
      page_size: 50,
    });
    expect(activeListSchema.parse(listInput(listSearch(query)))).toEqual(query);
  });

  it("defaults: the latest trips first; an unknown sort falls back to it", () => {
    expect(activeQuery(state({}))).toMatchObject({ sort: "tripped_at", dir: "desc", page: 1 });
    expect(activeQuery(state({ sort: "nonsense" }))).toMatchObject({ sort: "tripped_at", dir: "desc" });
    expect(activeQuery(state({ sort: "entity_id" }))).toMatchObject({ sort: "entity_id", dir: "asc" });
  });
});
