import { describe, expect, it } from "vitest";

import { parseEntityListParams } from "@/lib/monitoring/entity-list-params";
import { entityListUrl } from "@/lib/monitoring/entity-lists";
import { entitiesSearchSchema, parseSearchParams } from "@/lib/url-state";

import { belowRequest, belowStateFrom, belowViewOf } from "./below-threshold-view";
import { bootstrapRequest, bootstrapStateFrom } from "./bootstrap-view";
import { windowRequest, windowStateFrom } from "./multi-window-view";

const search = (raw: Record<string, string>) => parseSearchParams(entitiesSearchSchema, raw);
const parsedBack = <N extends "below-threshold" | "multi-window" | "bootstrap">(name: N, url: string) => parseEntityListParams(name, new URL(url, "http://console.test").searchParams);

describe("the entities page's URL state → the API's request", () => {
  it("below threshold: the page's filters, sort and page, 50 rows a page", () => {
    const state = belowStateFrom(search({ processor: "player_daily_cache", reason: "below_threshold", q: "lebron", sort: "missing_games", dir: "desc", page: "4" }));
    expect(parsedBack("below-threshold", entityListUrl("below-threshold", belowRequest(state)))).toEqual({
      ok: true,
      params: { processor: ["player_daily_cache"], reason: "below_threshold", q: "lebron", sort: "missing_games", dir: "desc", page: 4, page_size: 50 },
    });
  });

  it("an unknown sort falls back to each panel's default order, as the tables always did", () => {
    expect(belowRequest(belowStateFrom(search({ sort: "nope" })))).toMatchObject({ sort: "completeness_pct", dir: "asc", page: 1 });
    expect(windowRequest(windowStateFrom(search({ sort: "nope" })))).toMatchObject({ sort: "worst", dir: "asc", page_size: 50 });
    expect(bootstrapRequest(bootstrapStateFrom(search({ sort: "nope", page: "3" })))).toMatchObject({ sort: "date", dir: "desc", page: 1, page_size: 500 });
  });

  it("multi-window and bootstrap requests parse back to the same request", () => {
    const w = windowRequest(windowStateFrom(search({ processor: "upcoming_team_game_context", q: "LAL", sort: "incomplete", dir: "desc", page: "2" })));
    expect(parsedBack("multi-window", entityListUrl("multi-window", w))).toEqual({ ok: true, params: { processor: ["upcoming_team_game_context"], q: "LAL", sort: "incomplete", dir: "desc", page: 2, page_size: 50 } });
    const b = bootstrapRequest(bootstrapStateFrom(search({ processor: "ml_feature_store", sort: "ml_feature_store", dir: "asc" })));
    expect(parsedBack("bootstrap", entityListUrl("bootstrap", b))).toEqual({ ok: true, params: { processor: ["ml_feature_store"], sort: "ml_feature_store", dir: "asc", page: 1, page_size: 500 } });
  });

  it("a page's view carries its read stamp, stale when the page was", () => {
    const page = { as_of: "2025-01-15", now: "2025-01-16T12:00:00.000Z", rows: [], page: 1, page_size: 50, total: 0, all: 3, facets: { processors: [], reasons: [] } };
    expect(belowViewOf({ ...page, read_at: "2025-01-16T11:59:00.000Z" }).meta).toEqual({ as_of: "2025-01-15", now: page.now, read_at: "2025-01-16T11:59:00.000Z" });
    expect(belowViewOf({ ...page, stale: true, error: "The warehouse did not answer" }).meta).toMatchObject({ stale: true, error: "The warehouse did not answer", read_at: page.now });
    expect(belowViewOf(page)).toMatchObject({ page: 1, pageSize: 50, total: 0, all: 3 });
  });
});
