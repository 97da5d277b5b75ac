/**
 * One typed definition per SQL file, and every declared parameter used (and
 * every used parameter declared), so a renamed parameter cannot silently bind nothing.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { ALL_QUERIES } from "@/lib/queries";
import { paramNames } from "@/lib/warehouse/sql-text";

const SQL_DIR = fileURLToPath(new URL("../sql", import.meta.url));

function queryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "schema" || entry.name === "original" ? [] : queryFiles(path); // DDL, not queries
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
