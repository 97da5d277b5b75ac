import { describe, expect, it } from "vitest";

import { breakersSearchSchema, entitiesSearchSchema, hrefFor, incidentSearchSchema, hrefWith, parseSearchParams, patchSearchParams, trendsSearchSchema } from "./url-state";

describe("parsing a page's search params", () => {
  it("reads valid values and resolves processor aliases", () => {
    const s = parseSearchParams(breakersSearchSchema, {
      tab: "history",
      processor: "ml_feature_store_v2,player_daily_cache",
      date: "2026-11-20",
      event: "trip",
      sort: "completeness_pct",
      dir: "asc",
      page: "3",
      now: "2026-11-26T15:00:00Z",
    });
    expect(s).toMatchObject({
      tab: "history",
      processor: ["ml_feature_store", "player_daily_cache"],
      date: "2026-11-20",
      event: "trip",
      sort: "completeness_pct",
      dir: "asc",
      page: 3,
      now: "2026-11-26T15:00:00Z",
    });
  });

  it("falls back to defaults on bad values instead of failing the page", () => {
    const s = parseSearchParams(breakersSearchSchema, { tab: "nope", processor: "nope", date: "2026-13-45x", dir: "up", page: "-2", event: "boom", q: "  ", group: "cause" });
    expect(s).toEqual({ tab: "active", processor: [], date: undefined, reason: undefined, q: undefined, entity: undefined, event: undefined, group: undefined, sort: undefined, dir: undefined, page: 1, as_of: undefined, now: undefined });
    expect(parseSearchParams(breakersSearchSchema, { group: "incident" }).group).toBe("incident");
    expect(parseSearchParams(incidentSearchSchema, { recovered: "maybe", page: "x", sort: "state" })).toEqual({ sort: "state", dir: undefined, page: 1, recovered: undefined, as_of: undefined, now: undefined });
    expect(parseSearchParams(trendsSearchSchema, { range: "365" }).range).toBe("30");
    expect(parseSearchParams(entitiesSearchSchema, {}).view).toBe("below-threshold");
  });

  it("takes the first of repeated params and ignores empty ones", () => {
    const trends = parseSearchParams(trendsSearchSchema, { range: ["90", "7"], from: "" });
    expect(trends.range).toBe("90");
    expect(trends.from).toBeUndefined();
    expect(parseSearchParams(trendsSearchSchema, new URLSearchParams("range=season&hide=player_daily_cache"))).toMatchObject({ range: "season", hide: ["player_daily_cache"] });
  });
});

describe("building URLs", () => {
  it("drops empty values and resets the page when anything else changes", () => {
    expect(hrefWith("/breakers", "processor=a&page=4", { sort: "entity_id", dir: "asc" })).toBe("/breakers?processor=a&sort=entity_id&dir=asc");
    expect(hrefWith("/breakers", "processor=a&page=4", { page: 5 })).toBe("/breakers?processor=a&page=5");
    expect(hrefWith("/breakers", "processor=a&q=x", { q: null, processor: [] })).toBe("/breakers");
    expect(hrefFor("/trends", { range: "90", hide: ["ml_feature_store", "player_daily_cache"], as_of: undefined })).toBe(
      "/trends?range=90&hide=ml_feature_store%2Cplayer_daily_cache",
    );
    expect(patchSearchParams({ a: "1" }, { b: "" }).toString()).toBe("a=1");
  });
});
