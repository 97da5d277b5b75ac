/**
 * Every SQL file under sql/ is BigQuery SQL that must parse, checked offline with
 * @polyglot-sql/sdk (the embedded database accepts SQL that BigQuery refuses, so the tests on it
 * prove nothing about the dialect). Files are found recursively, so a new file is checked without
 * touching this test. Sibling `<name>.duckdb.sql` files are DuckDB-only (SQL that truly cannot be
 * shared) and skipped. A query is checked as it is loaded, its `{{> fragment}}` includes
 * expanded; fragment files (sql/fragments/) are blocks, not statements, checked inside every
 * query that includes them.
 *
 * What the validator does and does not prove (measured with 0.12):
 * - it rejects broken syntax (asserted below, so this test can fail);
 * - it rejects some valid BigQuery DDL: OPTIONS(...) after PARTITION BY/CLUSTER BY, column
 *   OPTIONS after NOT NULL, and ALTER TABLE ... SET OPTIONS with more than one option. The
 *   schema files avoid these forms (one SET OPTIONS statement per option instead);
 * - it accepts unknown type names (`STRINGG`): lib/warehouse/schema.test.ts converts every
 *   schema statement to DuckDB, which refuses unknown types;
 * - it accepts `QUALIFY` in a SELECT without a `WHERE`, which BigQuery refuses ("QUALIFY clause
 *   must be used in conjunction with WHERE or GROUP BY or HAVING clause") and DuckDB runs: a
 *   query tested only on the embedded database would fail in production. `qualifyProblems`
 *   checks it here, on every file and every generated variant.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { validate } from "@polyglot-sql/sdk";
import { describe, expect, it } from "vitest";

import { ALL_QUERIES } from "@/lib/queries";
import { FRAGMENT_DIR } from "@/lib/queries/define-query";
import { WRITE_LOCK, WRITE_LOCK_SEED } from "@/lib/warehouse/write-lock";
import { splitSql, splitStatements } from "@/lib/warehouse/sql-text";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SQL_DIR = join(ROOT, "sql");

function sqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === FRAGMENT_DIR ? [] : sqlFiles(path);
    return entry.name.endsWith(".sql") && !entry.name.endsWith(".duckdb.sql") ? [path] : [];
  });
}

/** The validator's errors for one statement (warnings are allowed), as readable lines. */
function errorsOf(statement: string): string[] {
  return validate(statement, "bigquery")
    .errors.filter((e) => e.severity === "error")
    .map((e) => `${e.code} line ${e.line}:${e.column} ${e.message}`);
}

const files = sqlFiles(SQL_DIR).map((path) => relative(ROOT, path));

/**
 * Every QUALIFY whose SELECT has no WHERE, GROUP BY or HAVING (BigQuery refuses it; the repository's
 * rule is a WHERE, `WHERE TRUE` when nothing else filters). Code only (comments and strings are
 * skipped); a QUALIFY belongs to the nearest SELECT before it at the same parenthesis depth.
 * Returns one line per violation, with the text around it.
 */
function qualifyProblems(sql: string): string[] {
  const tokens: { word: string; depth: number; at: number }[] = [];
  let depth = 0;
  let offset = 0;
  for (const segment of splitSql(sql)) {
    if (segment.kind === "code") {
      const re = /[()]|[A-Za-z_][A-Za-z0-9_]*/g;
      for (let m = re.exec(segment.text); m; m = re.exec(segment.text)) {
        if (m[0] === "(") depth++;
        else if (m[0] === ")") depth--;
        else tokens.push({ word: m[0].toUpperCase(), depth, at: offset + m.index });
      }
    }
    offset += segment.text.length;
  }
  const problems: string[] = [];
  tokens.forEach((t, i) => {
    if (t.word !== "QUALIFY") return;
    let filtered = false;
    for (let j = i - 1; j >= 0; j--) {
      const u = tokens[j]!;
      if (u.depth < t.depth) break;
      if (u.depth > t.depth) continue;
      if (u.word === "SELECT") break;
      if (u.word === "WHERE" || u.word === "HAVING" || (u.word === "GROUP" && tokens[j + 1]?.word === "BY")) filtered = true;
    }
    if (!filtered) problems.push(`QUALIFY without WHERE near: ${sql.slice(Math.max(0, t.at - 120), t.at + 60).replace(/\s+/g, " ")}`);
  });
  return problems;
}

/**
 * The texts to validate for a file. A query is checked as its definition loads it (includes
 * expanded); one with `{{placeholders}}` (identifiers from the processor registry) once per
 * allowed value, as its definition expands it.
 */
function variantsOf(file: string): string[] {
  const def = ALL_QUERIES.find((q) => join("sql", q.file) === file);
  if (!def) return [readFileSync(join(ROOT, file), "utf8")];
  if (!def.fragments) return [def.sql()];
  return Object.entries(def.fragments).flatMap(([name, options]) =>
    options.map((value) => def.sql({ [name]: value } as Record<string, string>)),
  );
}

describe("BigQuery syntax of sql/**/*.sql", () => {
  it("finds the SQL files (a wrong path must not pass by checking nothing)", () => {
    expect(files).toContain(join("sql", "schema", "nba_orchestration.reprocess_attempts.sql"));
  });

  it("skips DuckDB-only siblings", () => {
    expect(files.filter((f) => f.endsWith(".duckdb.sql"))).toEqual([]);
  });

  it.each(files)("%s: every statement is valid BigQuery", (file) => {
    const statements = variantsOf(file).flatMap(splitStatements);
    expect(statements.length, `${file} has no statement`).toBeGreaterThan(0);
    const failures = statements
      .map((statement, i) => ({ i, statement, errors: errorsOf(statement) }))
      .filter((r) => r.errors.length > 0)
      .map((r) => `statement ${r.i + 1}: ${r.errors.join("; ")}\n${r.statement}`);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it.each(files)("%s: every QUALIFY has a WHERE in its SELECT (BigQuery requires it; DuckDB does not)", (file) => {
    const problems = variantsOf(file).flatMap(qualifyProblems);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it.each([
    ["no WHERE", "SELECT a FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1", 1],
    ["a WHERE only in a subquery", "SELECT * FROM (SELECT a FROM t WHERE a > 1) AS s QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", 1],
    ["a WHERE only in the other branch of a UNION", "SELECT a FROM t WHERE TRUE UNION ALL SELECT a FROM u QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", 1],
    ["QUALIFY and WHERE in comments or strings only", "SELECT 'WHERE' AS w FROM t -- WHERE\nQUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", 1],
    ["WHERE TRUE", "SELECT a FROM t WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1", 0],
    ["a nested SELECT with its own WHERE", "SELECT * FROM (SELECT a FROM t WHERE TRUE QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1) AS s", 0],
    ["GROUP BY", "SELECT a, MAX(b) AS m FROM t GROUP BY a QUALIFY RANK() OVER (ORDER BY m) = 1", 0],
  ])("the QUALIFY check on %s finds %i problem(s) (so it can fail)", (_what, sql, count) => {
    expect(qualifyProblems(sql)).toHaveLength(count);
  });

  it("the BigQuery adapter's write lock and its seed are valid BigQuery", () => {
    expect(errorsOf(WRITE_LOCK)).toEqual([]);
    expect(errorsOf(WRITE_LOCK_SEED)).toEqual([]);
  });

  it.each([
    ["a doubled comma", "CREATE TABLE IF NOT EXISTS d.t (a STRING,, b INT64)"],
    ["an unclosed column list", "CREATE TABLE IF NOT EXISTS d.t (a STRING NOT NULL PARTITION BY a"],
    ["a misspelt keyword", "SELEC a FROM d.t"],
    ["a missing BY", "CREATE TABLE IF NOT EXISTS d.t (a DATE) PARTITION a"],
  ])("the validator rejects %s (so this test can fail)", (_what, sql) => {
    expect(errorsOf(sql).length).toBeGreaterThan(0);
  });
});
