/**
 * BigQuery cost, from the SQL text: every monitoring query filters each
 * partitioned table it reads on that table's partition column, so BigQuery prunes partitions and
 * bills only the dates in the window — never the whole history.
 *
 * The partition column of each table is read from its DDL (`PARTITION BY …` in sql/schema/), the
 * table references from each definition's SQL with its fragments filled (the text BigQuery
 * receives, before dataset renaming). Comments and string literals are blanked with the project's
 * lexer (lib/warehouse/sql-text.ts) so a comment mentioning a filter cannot satisfy the check.
 *
 * What "filters on the partition column" means here, per table reference:
 *   - the reference's own SELECT (the text after `FROM <table>` up to the parenthesis that
 *     closes its subquery, or a top-level UNION) has a WHERE clause;
 *   - that clause, at its top level (not inside a subquery), has a conjunct
 *     `[alias.]<partition column> BETWEEN @a AND @b` with DATE parameters, and no top-level OR
 *     (an OR could make the bound optional, and BigQuery would scan every partition).
 * The windows the app passes for those parameters are checked in monitoring-cost.int.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { splitSql } from "@/lib/warehouse/sql-text";

import { MONITORING_DEFINITIONS } from "./monitoring";
import { thresholdPassCounts } from "./thresholds";

const SCHEMA_DIR = path.join(process.cwd(), "sql", "schema");

/** SQL with comments replaced by spaces and string literals by `''` (identifiers kept). */
function codeOnly(sql: string): string {
  return splitSql(sql)
    .map((s) => (s.kind === "comment" ? " " : s.kind === "string" ? "''" : s.kind === "identifier" ? s.text.replaceAll("`", "") : s.text))
    .join("");
}

/** `dataset.table` → its partition column, from every CREATE TABLE … PARTITION BY in sql/schema. */
function partitionColumns(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".sql"))) {
    const code = codeOnly(readFileSync(path.join(SCHEMA_DIR, file), "utf8"));
    for (const m of code.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_]\w*\.[A-Za-z_]\w*)\s*\(/gi)) {
      const rest = code.slice(m.index + m[0].length - 1);
      const afterColumns = rest.slice(closingParen(rest, 0) + 1);
      const statement = afterColumns.split(";")[0]!;
      const partition = /PARTITION\s+BY\s+(?:DATE\s*\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/i.exec(statement);
      if (partition) out.set(m[1]!.toLowerCase(), (partition[1] ?? partition[2]!).toLowerCase());
    }
  }
  return out;
}

/** Index of the `)` matching the `(` at `open`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  throw new Error("unbalanced parentheses");
}

/** The text from `start` to the end of its SELECT: the `)` closing the enclosing group, or a top-level UNION. */
function selectScope(code: string, start: number): string {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const ch = code[i];
    if (ch === "(") depth++;
    else if (ch === ")") {
      if (depth === 0) return code.slice(start, i);
      depth--;
    } else if (depth === 0 && /^UNION\b/i.test(code.slice(i, i + 6)) && /\W/.test(code[i - 1] ?? " ")) {
      return code.slice(start, i);
    }
  }
  return code.slice(start);
}

/** Nested parenthesised groups collapsed to `()`: only the top level of a clause is left. */
function topLevel(text: string): string {
  let out = "";
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") {
      if (depth === 0) out += "(";
      depth++;
    } else if (ch === ")") {
      depth--;
      if (depth === 0) out += ")";
    } else if (depth === 0) out += ch;
  }
  return out;
}

interface TableRead {
  table: string;
  partitionColumn: string | undefined;
  /** The DATE parameters bounding the partition column, when the filter is there. */
  bounds?: [string, string];
  problem?: string;
}

/** Every `FROM|JOIN dataset.table` of `sql`, with the partition filter found for it (or the problem). */
function partitionFilters(sql: string, partitions: Map<string, string>): TableRead[] {
  const code = codeOnly(sql);
  const reads: TableRead[] = [];
  for (const m of code.matchAll(/\b(FROM|JOIN)\s+([A-Za-z_]\w*\.[A-Za-z_]\w*)\b/gi)) {
    const table = m[2]!.toLowerCase();
    const column = partitions.get(table);
    const read: TableRead = { table, partitionColumn: column };
    reads.push(read);
    if (!column) continue;
    const scope = topLevel(selectScope(code, m.index + m[0].length));
    const where = /\bWHERE\b([\s\S]*?)(?=\b(?:GROUP\s+BY|QUALIFY|ORDER\s+BY|HAVING|WINDOW|LIMIT)\b|$)/i.exec(scope);
    if (!where) {
      read.problem = "no WHERE clause in its SELECT";
      continue;
    }
    const clause = where[1]!;
    if (/\bOR\b/i.test(clause)) {
      read.problem = "an OR at the top level of its WHERE clause";
      continue;
    }
    const filter = new RegExp(`(?:^|\\bAND)\\s+(?:\\w+\\.)?${column}\\s+BETWEEN\\s+@(\\w+)\\s+AND\\s+@(\\w+)`, "i").exec(clause);
    if (!filter) {
      read.problem = `no top-level "${column} BETWEEN @from AND @to" in its WHERE clause`;
      continue;
    }
    read.bounds = [filter[1]!, filter[2]!];
  }
  return reads;
}

const partitions = partitionColumns();

describe("the partition columns declared in sql/schema", () => {
  it("are read from every CREATE TABLE … PARTITION BY, including DATE(timestamp) partitions", () => {
    expect(Object.fromEntries(partitions)).toMatchObject({
      "nba_orchestration.reprocess_attempts": "analysis_date",
      "nba_orchestration.breaker_audit_log": "created_at",
      "nba_precompute.player_daily_cache": "cache_date",
      "nba_predictions.ml_feature_store_v2": "game_date",
      "nba_analytics.upcoming_team_game_context": "game_date",
      "nba_precompute.team_defense_zone_analysis": "analysis_date",
      "nba_raw.nbac_schedule": "game_date",
    });
  });
});

describe("every monitoring query filters each partitioned table it reads on its partition column", () => {
  // The monitoring queries, and the threshold what-if the Trends page runs beside them.
  it.each([...MONITORING_DEFINITIONS, thresholdPassCounts].map((def) => [def.name, def] as const))("%s", (_name, def) => {
    const reads = partitionFilters(def.sql(), partitions);
    expect(reads.length).toBeGreaterThan(0);
    // Every table the query reads is a declared, partitioned table: nothing escapes the check.
    expect(reads.filter((r) => r.partitionColumn === undefined).map((r) => r.table)).toEqual([]);
    expect(reads.filter((r) => r.problem).map((r) => `${r.table}: ${r.problem}`)).toEqual([]);
    // The bounds are DATE parameters of the definition (the app computes the window).
    const types = def.types as Record<string, unknown>;
    for (const r of reads) for (const p of r.bounds!) expect(types[p], `@${p} of ${def.name}`).toBe("DATE");
  });

  it("the evaluated-entity queries read all seven processor tables and reprocess_attempts (skips), the breaker queries reprocess_attempts", () => {
    const tablesOf = (name: string) => new Set(partitionFilters(MONITORING_DEFINITIONS.find((d) => d.name === name)!.sql(), partitions).map((r) => r.table));
    expect(tablesOf("health").size).toBe(8);
    // The Python processors record skipped entities only in reprocess_attempts.
    for (const name of ["readiness", "below_threshold", "trends", "data_as_of"]) {
      expect(tablesOf(name).size, name).toBe(8);
      expect(tablesOf(name).has("nba_orchestration.reprocess_attempts"), name).toBe(true);
    }
    expect(tablesOf("bootstrap").size).toBe(7);
    expect(tablesOf("multi_window").size).toBe(3);
    expect([...tablesOf("patterns")]).toEqual(["nba_orchestration.reprocess_attempts"]);
  });
});

describe("the check itself catches unfiltered reads", () => {
  const problemsOf = (sql: string) => partitionFilters(sql, partitions).map((r) => r.problem ?? "ok");

  it.each([
    ["no WHERE", "SELECT COUNT(*) FROM nba_orchestration.reprocess_attempts", "no WHERE clause in its SELECT"],
    [
      "a filter on another column",
      "SELECT * FROM nba_orchestration.reprocess_attempts WHERE attempted_at BETWEEN @a AND @b",
      'no top-level "analysis_date BETWEEN @from AND @to" in its WHERE clause',
    ],
    [
      "an OR that makes the bound optional",
      "SELECT * FROM nba_orchestration.reprocess_attempts WHERE analysis_date BETWEEN @a AND @b OR entity_id = @e",
      "an OR at the top level of its WHERE clause",
    ],
    [
      "the filter only in a comment",
      "SELECT * FROM nba_orchestration.reprocess_attempts -- WHERE analysis_date BETWEEN @a AND @b\nWHERE TRUE",
      'no top-level "analysis_date BETWEEN @from AND @to" in its WHERE clause',
    ],
    [
      "the filter only in a subquery of the WHERE clause",
      "SELECT * FROM nba_orchestration.reprocess_attempts WHERE entity_id IN (SELECT entity_id FROM x WHERE analysis_date BETWEEN @a AND @b)",
      'no top-level "analysis_date BETWEEN @from AND @to" in its WHERE clause',
    ],
    [
      "the filter in the outer query, not on the table's own SELECT",
      "SELECT * FROM (SELECT * FROM nba_orchestration.reprocess_attempts) WHERE analysis_date BETWEEN @a AND @b",
      "no WHERE clause in its SELECT",
    ],
  ])("%s", (_name, sql, problem) => {
    expect(problemsOf(sql)).toEqual([problem]);
  });

  it("judges each branch of a UNION ALL on its own", () => {
    const sql = `SELECT game_date FROM nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN @a AND @b
      UNION ALL SELECT cache_date FROM nba_precompute.player_daily_cache WHERE processed_at > @t`;
    expect(problemsOf(sql)).toEqual(["ok", 'no top-level "cache_date BETWEEN @from AND @to" in its WHERE clause']);
  });
});
