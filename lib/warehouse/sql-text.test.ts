import { describe, expect, it } from "vitest";

import { paramNames, rewriteDatasets, rewriteParams, splitStatements } from "./sql-text";

const dollar = (sql: string) => rewriteParams(sql, (name) => `$${name}`);

describe("rewriteParams", () => {
  it("rewrites parameters in code", () => {
    expect(dollar("SELECT * FROM t WHERE d = @as_of AND p IN UNNEST(@procs)")).toBe(
      "SELECT * FROM t WHERE d = $as_of AND p IN UNNEST($procs)",
    );
  });

  it("never touches @ inside single, double or triple-quoted strings", () => {
    const sql = `SELECT 'ops@example.com', "@nope", '''a @b ''', 'it\\'s @x' FROM t WHERE a = @a`;
    expect(dollar(sql)).toBe(`SELECT 'ops@example.com', "@nope", '''a @b ''', 'it\\'s @x' FROM t WHERE a = $a`);
  });

  it("never touches @ inside comments or quoted identifiers", () => {
    const sql = "-- uses @as_of\nSELECT `col@x` /* @y */ FROM t # @z\nWHERE d = @d";
    expect(dollar(sql)).toBe("-- uses @as_of\nSELECT `col@x` /* @y */ FROM t # @z\nWHERE d = $d");
  });

  it("leaves system variables (@@) and e-mail-like words in code alone", () => {
    expect(dollar("SELECT @@project_id, a@b FROM t WHERE x = @x")).toBe("SELECT @@project_id, a@b FROM t WHERE x = $x");
  });

  it("lists parameter names once, in order of first use", () => {
    expect(paramNames("SELECT @b, @a, @b, '@c'")).toEqual(["b", "a"]);
  });
});

describe("rewriteDatasets", () => {
  it("maps dataset qualifiers only in code, as whole words", () => {
    const sql = "SELECT 'nba_raw.x' FROM nba_raw.nbac_schedule JOIN my_nba_raw.t ON TRUE -- nba_raw.y";
    expect(rewriteDatasets(sql, { nba_raw: "prod_raw" })).toBe(
      "SELECT 'nba_raw.x' FROM prod_raw.nbac_schedule JOIN my_nba_raw.t ON TRUE -- nba_raw.y",
    );
  });

  it("is the identity when names are unchanged", () => {
    const sql = "SELECT 1 FROM nba_raw.t";
    expect(rewriteDatasets(sql, { nba_raw: "nba_raw" })).toBe(sql);
  });
});

describe("splitStatements", () => {
  it("splits on top-level semicolons only, dropping comment-only pieces", () => {
    const sql = "-- header\nCREATE TABLE a (x STRING); INSERT INTO a VALUES ('a;b'); -- done\n";
    expect(splitStatements(sql)).toEqual(["-- header\nCREATE TABLE a (x STRING)", "INSERT INTO a VALUES ('a;b')"]);
  });
});
