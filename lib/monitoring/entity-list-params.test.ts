import { describe, expect, it } from "vitest";

import { DEFAULT_PAGE_SIZE } from "@/lib/paging";

import { parseEntityListParams } from "./entity-list-params";
import { entityListUrl, windowOrder } from "./entity-lists";

const searchOf = (url: string) => new URL(url, "http://console.test").searchParams;

describe("parseEntityListParams", () => {
  it("takes each list's defaults when nothing is given", () => {
    const none = new URLSearchParams();
    expect(parseEntityListParams("below-threshold", none)).toEqual({ ok: true, params: { page: 1, page_size: DEFAULT_PAGE_SIZE, sort: "completeness_pct", dir: "asc", processor: [] } });
    expect(parseEntityListParams("multi-window", none)).toMatchObject({ ok: true, params: { sort: "worst", dir: "asc" } });
    expect(parseEntityListParams("bootstrap", none)).toMatchObject({ ok: true, params: { sort: "date", dir: "desc" } });
  });

  it("resolves processor aliases to canonical names, each once; trims the entity search", () => {
    const parsed = parseEntityListParams("below-threshold", new URLSearchParams("processor=ml_feature_store_v2,ml_feature_store,player_daily_cache&q=%20lebron%20"));
    expect(parsed).toMatchObject({ ok: true, params: { processor: ["ml_feature_store", "player_daily_cache"], q: "lebron" } });
  });

  it.each([
    ["below-threshold", "page_size=0", "page_size"],
    ["below-threshold", "page=1.5", "page"],
    ["multi-window", "sort=processing_decision_reason", "sort"],
    ["bootstrap", "processor=,", "processor"],
  ] as const)("%s?%s names %s", (name, query, field) => {
    const parsed = parseEntityListParams(name, new URLSearchParams(query));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.field).toBe(field);
      expect(parsed.error).toContain(field);
    }
  });

  it("ignores another list's filters (multi-window has no reason, bootstrap no entity search)", () => {
    expect(parseEntityListParams("multi-window", new URLSearchParams("reason=x"))).toMatchObject({ ok: true });
    expect(parseEntityListParams("bootstrap", new URLSearchParams("q=x"))).toEqual(parseEntityListParams("bootstrap", new URLSearchParams()));
  });
});

describe("entityListUrl", () => {
  it("builds what the route parses back to the same request", () => {
    const url = entityListUrl("below-threshold", { as_of: "2025-01-15", processor: ["player_daily_cache", "ml_feature_store"], reason: "a b&c", q: "O'Neal", sort: "missing_games", dir: "desc", page: 3, page_size: 50 });
    expect(url.startsWith("/api/v1/monitoring/below-threshold?")).toBe(true);
    const search = searchOf(url);
    expect(search.get("as_of")).toBe("2025-01-15");
    expect(parseEntityListParams("below-threshold", search)).toEqual({
      ok: true,
      params: { processor: ["player_daily_cache", "ml_feature_store"], reason: "a b&c", q: "O'Neal", sort: "missing_games", dir: "desc", page: 3, page_size: 50 },
    });
  });

  it("leaves out what is not given, and carries format=csv", () => {
    expect(entityListUrl("bootstrap", {})).toBe("/api/v1/monitoring/bootstrap");
    expect(entityListUrl("multi-window", { processor: [], q: "", format: "csv", now: "2025-01-16T12:00:00.000Z" })).toBe("/api/v1/monitoring/multi-window?now=2025-01-16T12%3A00%3A00.000Z&format=csv");
  });
});

it("windowOrder: games windows by size, then days windows by size, unknown last", () => {
  expect(["l14d", "zz", "l10", "l7d", "l5", "l30d"].sort((a, b) => windowOrder(a) - windowOrder(b))).toEqual(["l5", "l10", "l7d", "l14d", "l30d", "zz"]);
});
