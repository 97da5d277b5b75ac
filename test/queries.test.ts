/**
 * One typed definition per SQL file, and every declared parameter used (and every used parameter
 * declared), so a renamed parameter cannot silently bind nothing. Parameters are counted in the
 * text as loaded, with its `{{> fragment}}` includes expanded. A fragment file (sql/fragments/)
 * is a shared block, not a query: it has no definition, states its rule and parameters in a
 * header comment, and is included by at least one query.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { ALL_QUERIES } from "@/lib/queries";
import { FRAGMENT_DIR, includedFragments } from "@/lib/queries/define-query";
import { paramNames } from "@/lib/warehouse/sql-text";

const SQL_DIR = fileURLToPath(new URL("../sql", import.meta.url));

function queryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // DDL and shared blocks, not queries
    if (entry.isDirectory()) return ["schema", "original", FRAGMENT_DIR].includes(entry.name) ? [] : queryFiles(path);
    return entry.name.endsWith(".sql") && !entry.name.endsWith(".duckdb.sql") ? [relative(SQL_DIR, path)] : [];
  });
}

describe("query definitions", () => {
  const files = queryFiles(SQL_DIR);

  it("finds the query files", () => {
    expect(files).toContain(join("breakers", "key_rows.sql"));
  });

  it.each(files)("%s has exactly one definition", (file) => {
    expect(ALL_QUERIES.filter((q) => q.file === file)).toHaveLength(1);
  });

  it.each(ALL_QUERIES.map((q) => [q.name, q] as const))("%s uses exactly its declared parameters", (_name, q) => {
    const used = paramNames(q.sql()).sort();
    expect(used).toEqual(Object.keys(q.types).sort());
  });

  it("names queries after their files", () => {
    for (const q of ALL_QUERIES) expect(q.file.endsWith(`${q.name.replace(/^breaker_/, "")}.sql`)).toBe(true);
  });
});

describe("SQL fragments", () => {
  const dir = join(SQL_DIR, FRAGMENT_DIR);
  const fragments = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.replace(/\.sql$/, ""));
  const included = new Set(
    queryFiles(SQL_DIR).flatMap((file) => includedFragments(readFileSync(join(SQL_DIR, file), "utf8"))),
  );

  it("finds the fragment files", () => {
    expect(fragments).toContain("active_trips");
  });

  it.each(fragments)("%s is included by a query", (name) => {
    expect(included.has(name)).toBe(true);
  });

  it.each(fragments)("%s opens with a header comment stating its rule and its parameters", (name) => {
    const text = readFileSync(join(dir, `${name}.sql`), "utf8");
    expect(text.startsWith("-- Fragment: ")).toBe(true);
    expect(text).toMatch(/^-- Parameters: /m);
  });
});
