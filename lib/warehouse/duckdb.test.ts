import { afterAll, describe, expect, it } from "vitest";

import { bindParams, createDuckDbWarehouse, toDuckDbDialect } from "./duckdb";
import { GuardFailedError, WarehouseError, type ColumnType } from "./types";

describe("bindParams", () => {
  it("casts each parameter to its declared type and binds it once", () => {
    const bound = bindParams("SELECT @d, @d, @ids, '@d'", { d: "2024-10-22", ids: ["a"] }, { d: "DATE", ids: ["STRING"] });
    expect(bound.sql).toBe("SELECT CAST($d AS DATE), CAST($d AS DATE), CAST($ids AS VARCHAR[]), '@d'");
    expect(Object.keys(bound.values)).toEqual(["d", "ids"]);
  });

  it("refuses a parameter without a declared type or value", () => {
    expect(() => bindParams("SELECT @x", { x: 1 }, {})).toThrow(/@x has no declared type/);
    expect(() => bindParams("SELECT @x", {}, { x: "INT64" })).toThrow(/@x has no value/);
    expect(() => bindParams("SELECT @x", { x: 1.5 }, { x: "INT64" })).toThrow(WarehouseError);
  });
});

describe("toDuckDbDialect", () => {
  it("rewrites the UNNEST idioms DuckDB would miscompute, outside strings", () => {
    expect(toDuckDbDialect("SELECT t FROM s, UNNEST([s.home, s.away]) AS t WHERE t IN UNNEST(@teams) AND x = 'IN UNNEST(y)'")).toBe(
      "SELECT t FROM s, UNNEST([s.home, s.away]) AS t_unnest(t) WHERE t IN (SELECT UNNEST(@teams)) AND x = 'IN UNNEST(y)'",
    );
  });
});

describe("DuckDB warehouse", () => {
  const wh = createDuckDbWarehouse({ path: ":memory:" });
  afterAll(() => wh.close());

  it("round-trips every column type the schema uses to plain JSON-safe values", async () => {
    await wh.execute(`CREATE TABLE t (
      s VARCHAR, i BIGINT, f DOUBLE, n DECIMAL(5,1), b BOOLEAN, d DATE, ts TIMESTAMPTZ, arr VARCHAR[], nul VARCHAR)`);
    // Written as parameters, read back unchanged: the value in is the answer.
    const values = {
      s: "O'Neal \"quoted\" @x",
      i: 9_007_199_254_740_991,
      f: 89.96,
      n: 12.5,
      b: true,
      d: "2024-10-22",
      ts: "2024-10-22T23:30:00.123Z",
      arr: ["missing_game_2024-11-05", "upstream_player_shot_zone_incomplete"],
      nul: null,
    };
    await wh.execute("INSERT INTO t VALUES (@s, @i, @f, @n, @b, @d, @ts, @arr, @nul)", {
      params: values,
      types: { s: "STRING", i: "INT64", f: "FLOAT64", n: "NUMERIC", b: "BOOL", d: "DATE", ts: "TIMESTAMP", arr: ["STRING"], nul: "STRING" },
    });
    const rows = await wh.query("SELECT * FROM t");
    expect(rows).toEqual([values]);
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it("keeps a DATE a calendar date and a TIMESTAMP an instant, whatever the offset given", async () => {
    const [row] = await wh.query("SELECT @d AS d, @ts AS ts", {
      params: { d: "2024-12-31", ts: "2024-12-31T23:00:00-05:00" },
      types: { d: "DATE", ts: "TIMESTAMP" },
    });
    expect(row).toEqual({ d: "2024-12-31", ts: "2025-01-01T04:00:00.000Z" });
  });

  it("binds array parameters for UNNEST and IN", async () => {
    const rows = await wh.query("SELECT v FROM UNNEST(@ids) AS v WHERE v IN UNNEST(@keep) ORDER BY v", {
      params: { ids: ["LAL", "BOS", "GSW"], keep: ["GSW", "LAL"] },
      types: { ids: ["STRING"], keep: ["STRING"] },
    });
    expect(rows.map((r) => r.v)).toEqual(["GSW", "LAL"]);
  });

  it("computes BigQuery's UNNEST forms as BigQuery does", async () => {
    const rows = await wh.query("SELECT team, COUNT(*) AS games FROM (SELECT 'LAL' AS h, 'BOS' AS a UNION ALL SELECT 'BOS', 'GSW') s, UNNEST([s.h, s.a]) AS team WHERE team IN UNNEST(@teams) GROUP BY team ORDER BY team", {
      params: { teams: ["BOS", "LAL"] },
      types: { teams: ["STRING"] },
    });
    expect(rows).toEqual([{ team: "BOS", games: 2 }, { team: "LAL", games: 1 }]);
  });

  it("treats a value with SQL in it as data", async () => {
    await wh.execute("CREATE TABLE notes (n VARCHAR)");
    const evil = "x'); DROP TABLE notes; --";
    await wh.execute("INSERT INTO notes VALUES (@n)", { params: { n: evil }, types: { n: "STRING" } });
    expect(await wh.query("SELECT n FROM notes")).toEqual([{ n: evil }]);
  });

  it("applies a transaction all or nothing", async () => {
    await wh.execute("CREATE TABLE tx (k VARCHAR PRIMARY KEY)");
    const ok = await wh.transaction([
      { sql: "INSERT INTO tx VALUES (@k)", params: { k: "a" }, types: { k: "STRING" } },
      { sql: "INSERT INTO tx VALUES (@k)", params: { k: "b" }, types: { k: "STRING" } },
    ]);
    expect(ok).toEqual([{ affectedRows: 1 }, { affectedRows: 1 }]);
    await expect(
      wh.transaction([
        { sql: "INSERT INTO tx VALUES (@k)", params: { k: "c" }, types: { k: "STRING" } },
        { sql: "INSERT INTO tx VALUES (@k)", params: { k: "a" }, types: { k: "STRING" } }, // duplicate key
      ]),
    ).rejects.toBeInstanceOf(WarehouseError);
    expect((await wh.query("SELECT k FROM tx ORDER BY k")).map((r) => r.k)).toEqual(["a", "b"]);
  });

  it("serves concurrent reads from its pool", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => wh.query<{ v: number }>("SELECT @i AS v", { params: { i: i }, types: { i: "INT64" } })),
    );
    expect(results.map((r) => r[0]!.v)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("wraps engine errors in a WarehouseError with a safe message", async () => {
    await expect(wh.query("SELECT * FROM no_such_table")).rejects.toMatchObject({
      name: "WarehouseError",
      message: "The embedded database could not run the query",
    });
  });
});

describe("DuckDB insert (appender)", () => {
  const wh = createDuckDbWarehouse({ path: ":memory:" });
  afterAll(() => wh.close());

  it("appends rows of every column type, filling unlisted columns with their default", async () => {
    await wh.execute("CREATE SCHEMA ds");
    await wh.execute(`CREATE TABLE ds.t (s VARCHAR, i BIGINT, f DOUBLE, n DECIMAL(5,1), b BOOLEAN, d DATE,
      ts TIMESTAMPTZ, arr VARCHAR[], created_at TIMESTAMPTZ DEFAULT current_timestamp)`);
    const columns: Record<string, ColumnType> = { s: "STRING", i: "INT64", f: "FLOAT64", n: "NUMERIC", b: "BOOL", d: "DATE", ts: "TIMESTAMP", arr: ["STRING"] };
    const rows = [
      { s: "lebronjames", i: 3, f: 89.96, n: 31.5, b: true, d: "2024-12-15", ts: "2024-12-16T04:00:00.000Z", arr: ["missing_game_2024-12-10"] },
      { s: null, i: null, f: null, n: null, b: null, d: null, ts: null, arr: [] },
    ];
    expect(await wh.insert("ds.t", columns, rows)).toEqual({ affectedRows: 2 });
    const back = await wh.query("SELECT s, i, f, n, b, d, ts, arr, created_at IS NOT NULL AS has_default FROM ds.t ORDER BY s NULLS LAST");
    expect(back).toEqual([
      { ...rows[0], has_default: true },
      { ...rows[1], has_default: true },
    ]);
  });

  it("rolls appended rows back with the rest of a failed transaction", async () => {
    await wh.execute("CREATE TABLE ds.k (k VARCHAR PRIMARY KEY)");
    await expect(
      wh.transaction([
        { insert: "ds.k", columns: { k: "STRING" }, rows: [{ k: "a" }, { k: "b" }] },
        { sql: "INSERT INTO ds.k VALUES (@k)", params: { k: "a" }, types: { k: "STRING" } },
      ]),
    ).rejects.toBeInstanceOf(WarehouseError);
    expect(await wh.query("SELECT count(*) AS n FROM ds.k")).toEqual([{ n: 0 }]);
  });

  it("refuses unknown tables and columns", async () => {
    await expect(wh.insert("ds.nope", { k: "STRING" }, [{ k: "a" }])).rejects.toThrow(/No such table/);
    await expect(wh.insert("ds.k", { nope: "STRING" }, [{ nope: "a" }])).rejects.toThrow(/Unknown column/);
  });
});

describe("DuckDB transaction guard", () => {
  const wh = createDuckDbWarehouse({ path: ":memory:" });
  afterAll(() => wh.close());

  it("writes only while the guard holds, and nothing when it does not", async () => {
    await wh.execute("CREATE TABLE g (k VARCHAR)");
    const guard = { sql: "SELECT COUNT(*) = @n AS ok FROM g", params: { n: 0 }, types: { n: "INT64" as const } };
    await wh.transaction([{ insert: "main.g", columns: { k: "STRING" }, rows: [{ k: "a" }] }], { guard });
    await expect(wh.transaction([{ insert: "main.g", columns: { k: "STRING" }, rows: [{ k: "b" }] }], { guard })).rejects.toBeInstanceOf(
      GuardFailedError,
    );
    expect(await wh.query("SELECT k FROM g")).toEqual([{ k: "a" }]);
  });

  it("lets exactly one of many concurrent guarded writes through", async () => {
    await wh.execute("CREATE TABLE once (k VARCHAR)");
    const guard = { sql: "SELECT COUNT(*) = 0 AS ok FROM once" };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => wh.transaction([{ insert: "main.once", columns: { k: "STRING" }, rows: [{ k: `r${i}` }] }], { guard })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await wh.query("SELECT COUNT(*) AS n FROM once")).toEqual([{ n: 1 }]);
  });
});
