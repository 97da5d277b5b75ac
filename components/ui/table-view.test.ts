import { describe, expect, it } from "vitest";

import { facet, paginate, resolveSort, sortRows } from "./table-view";

describe("table views", () => {
  const rows = [
    { id: "b", pct: 50 },
    { id: "a", pct: null },
    { id: "c", pct: 90 },
    { id: "d", pct: 50 },
  ];

  it("sorts stably, nulls last in both directions", () => {
    expect(sortRows(rows, (r) => r.pct, false).map((r) => r.id)).toEqual(["b", "d", "c", "a"]);
    expect(sortRows(rows, (r) => r.pct, true).map((r) => r.id)).toEqual(["c", "b", "d", "a"]);
    expect(sortRows(rows, (r) => r.pct, true, [(r) => (r.id === "d" ? "0" : r.id)]).map((r) => r.id)).toEqual(["c", "d", "b", "a"]);
  });

  it("pages, clamping a page past the end to the last one", () => {
    expect(paginate([1, 2, 3, 4, 5], 2, 2)).toEqual({ rows: [3, 4], page: 2, pageSize: 2, total: 5 });
    expect(paginate([1, 2, 3, 4, 5], 9, 2)).toEqual({ rows: [5], page: 3, pageSize: 2, total: 5 });
    expect(paginate([], 1, 2)).toEqual({ rows: [], page: 1, pageSize: 2, total: 0 });
  });

  it("counts facets and resolves the sort from the URL", () => {
    expect(facet(rows, (r) => (r.pct === null ? null : String(r.pct)), "count")).toEqual([
      { value: "50", count: 2 },
      { value: "90", count: 1 },
    ]);
    const allowed = ["a", "b"] as const;
    expect(resolveSort("b", undefined, allowed, { id: "a", desc: true })).toEqual({ id: "b", desc: false });
    expect(resolveSort(undefined, undefined, allowed, { id: "a", desc: true })).toEqual({ id: "a", desc: true });
    expect(resolveSort("evil", "asc", allowed, { id: "a", desc: true })).toEqual({ id: "a", desc: false });
  });
});
