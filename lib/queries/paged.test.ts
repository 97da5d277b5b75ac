import { describe, expect, it } from "vitest";

import { type ListSource, countByStatement, countStatement, groupPageMembersStatement, pageStatement, withoutFinalOrder } from "./paged";

const SOURCE: ListSource = {
  sql: "SELECT processor, entity_id, pct FROM t WHERE d = @d ORDER BY pct",
  params: { d: "2025-01-15" },
  types: { d: "DATE" },
  columns: ["processor", "entity_id", "pct"],
  label: "test",
};
const ORDER = { column: "pct", dir: "desc" as const, tieBreak: ["processor", "entity_id"] };

describe("pageStatement", () => {
  it("wraps the source, binds every value, and orders by the column then the tie-break, nulls last", () => {
    const st = pageStatement(
      SOURCE,
      { filters: [{ kind: "in", column: "processor", values: ["a", "b"] }, { kind: "equals", column: "entity_id", value: "x' OR 1=1" }, { kind: "contains", column: "entity_id", value: "LeB%" }] },
      ORDER,
      { limit: 50, offset: 100 },
    );
    expect(st.sql).toContain("SELECT processor, entity_id, pct FROM t WHERE d = @d\n) AS r");
    expect(st.sql).toContain("WHERE r.processor IN UNNEST(@f_0)\n  AND r.entity_id = @f_1\n  AND STRPOS(LOWER(r.entity_id), @f_2) > 0");
    expect(st.sql).toMatch(/ORDER BY q\.pct DESC NULLS LAST, q\.processor ASC NULLS LAST, q\.entity_id ASC NULLS LAST\nLIMIT @page_limit OFFSET @page_offset$/);
    expect(st.sql).toMatch(/^SELECT q\.\*, COUNT\(\*\) OVER \(\) AS list_total\n/);
    expect(pageStatement(SOURCE, {}, ORDER, { limit: 1, offset: 0 }, ["pct"]).sql).toContain("SUM(q.pct) OVER () AS list_sum_pct");
    expect(st.sql).not.toContain("x' OR");
    expect(st.params).toEqual({ d: "2025-01-15", f_0: ["a", "b"], f_1: "x' OR 1=1", f_2: "leb%", page_limit: 50, page_offset: 100 });
    expect(st.types).toEqual({ d: "DATE", f_0: ["STRING"], f_1: "STRING", f_2: "STRING", page_limit: "INT64", page_offset: "INT64" });
  });

  it("an empty 'in' filter filters nothing; the sort column is not repeated in the tie-break", () => {
    const st = pageStatement(SOURCE, { filters: [{ kind: "in", column: "processor", values: [] }] }, { column: "processor", dir: "asc", tieBreak: ["processor", "entity_id"] }, { limit: 1, offset: 0 });
    expect(st.sql).not.toContain("WHERE r.");
    expect(st.sql).toContain("ORDER BY q.processor ASC NULLS LAST, q.entity_id ASC NULLS LAST");
  });

  it.each([
    ["a sort column not declared", { ...ORDER, column: "secret" }, []],
    ["a sort column that is SQL", { ...ORDER, column: "pct; DROP TABLE t" }, []],
    ["a direction that is SQL", { ...ORDER, dir: "desc; --" as never }, []],
    ["a filter column not declared", ORDER, [{ kind: "equals", column: "notes", value: "x" }]],
    ["a tie-break not declared", { ...ORDER, tieBreak: ["other"] }, []],
  ] as const)("refuses %s before writing any SQL", (_what, order, filters) => {
    expect(() => pageStatement(SOURCE, { filters: filters as never }, order as never, { limit: 1, offset: 0 })).toThrow();
  });
});

describe("grouped lists", () => {
  const group = { keys: ["processor"], aggregates: { worst: "MIN(r.pct)", n: "COUNT(*)" }, having: "COUNT(*) > 0" };

  it("orders and pages groups, which may be sorted by an aggregate but not by a source column outside the keys", () => {
    const st = pageStatement(SOURCE, { group }, { column: "worst", dir: "asc", tieBreak: ["processor"] }, { limit: 10, offset: 0 });
    expect(st.sql).toContain("SELECT r.processor, MIN(r.pct) AS worst, COUNT(*) AS n");
    expect(st.sql).toContain("GROUP BY r.processor\nHAVING COUNT(*) > 0");
    expect(() => pageStatement(SOURCE, { group }, { column: "entity_id", dir: "asc", tieBreak: ["processor"] }, { limit: 10, offset: 0 })).toThrow();
  });

  it("reads a page's members joined to their group's place in the order", () => {
    const st = groupPageMembersStatement(SOURCE, { group }, { column: "worst", dir: "desc", tieBreak: ["processor"] }, { limit: 5, offset: 10 });
    expect(st.sql).toContain("ROW_NUMBER() OVER (ORDER BY g.worst DESC NULLS LAST, g.processor ASC NULLS LAST) AS page_ord");
    expect(st.sql).toContain("ON m.processor = p.processor");
    expect(st.sql).toContain("WHERE p.page_ord > @page_offset AND p.page_ord <= @page_offset + @page_limit");
    expect(st.params).toMatchObject({ page_limit: 5, page_offset: 10 });
  });
});

describe("counts", () => {
  it("counts the selection, sums declared columns, and counts per combination of columns", () => {
    expect(countStatement(SOURCE, {}, ["pct"]).sql).toMatch(/^SELECT COUNT\(\*\) AS total, COALESCE\(SUM\(q\.pct\), 0\) AS sum_pct\n/);
    expect(countByStatement(SOURCE, {}, ["processor", "entity_id"]).sql).toMatch(/GROUP BY q\.processor, q\.entity_id$/);
    expect(() => countByStatement(SOURCE, {}, ["nope"])).toThrow();
  });
});

describe("withoutFinalOrder", () => {
  it("drops the query's final top-level ORDER BY, never one inside parentheses, a comment or a string", () => {
    expect(withoutFinalOrder("SELECT a FROM t ORDER BY a DESC, b")).toBe("SELECT a FROM t");
    expect(withoutFinalOrder("WITH x AS (SELECT a FROM t ORDER BY a LIMIT 3)\nSELECT ROW_NUMBER() OVER (ORDER BY a) AS n FROM x\nORDER BY n")).toBe(
      "WITH x AS (SELECT a FROM t ORDER BY a LIMIT 3)\nSELECT ROW_NUMBER() OVER (ORDER BY a) AS n FROM x",
    );
    expect(withoutFinalOrder("-- Order: ORDER BY a\nSELECT 'ORDER BY' AS s FROM t")).toBe("-- Order: ORDER BY a\nSELECT 'ORDER BY' AS s FROM t");
  });

  it("keeps an ORDER BY that a LIMIT follows: it chooses the rows", () => {
    expect(withoutFinalOrder("SELECT a FROM t ORDER BY a LIMIT 5")).toBe("SELECT a FROM t ORDER BY a LIMIT 5");
  });
});
