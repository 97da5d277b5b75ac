import "server-only";

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

import { PROCESSORS } from "@/lib/completeness/processors";

import { listColumns } from "./catalog";
import { DUCKDB_SUFFIX, columnDefinitions, definedColumnName, describeStatement, toDuckDbStatements } from "./ddl";
import { splitStatements } from "./sql-text";
import type { ColumnType, ScalarType, Warehouse } from "./types";

/**
 * The schema: BigQuery DDL files in `sql/schema/` (one per table, `<dataset>.<table>.sql`), read
 * in apply order; the embedded database built from them on every open (converted by ./ddl.ts);
 * and what the console needs of a warehouse (the health check). Applying them to a BigQuery
 * project is ./schema-bigquery.ts.
 */

const SCHEMA_DIR = "sql/schema";

// ---------------------------------------------------------------------------------------------
// Files

/**
 * Apply order of the schema's files: upstream tables, then output tables, then orchestration
 * tables, then anything else; by file name within a group. With one file per table, each
 * file's CREATE precedes its own ALTERs; `loadSchemaFiles` checks that no ALTER ever targets a
 * table not created earlier in this order.
 */
function fileGroup(file: string): number {
  const table = file.slice(0, -".sql".length);
  if (PROCESSORS.some((p) => p.upstream.table === table)) return 0;
  if (PROCESSORS.some((p) => p.table === table)) return 1;
  if (table.startsWith("nba_orchestration.")) return 2;
  return 3;
}

/** The BigQuery DDL files in apply order, each split into statements (comments kept). */
export function loadSchemaFiles(dir: string = SCHEMA_DIR): { file: string; statements: string[] }[] {
  const root = resolve(/* turbopackIgnore: true */ dir);
  const files = readdirSync(/* turbopackIgnore: true */ root)
    .filter((f) => f.endsWith(".sql") && !f.endsWith(DUCKDB_SUFFIX))
    .sort((a, b) => fileGroup(a) - fileGroup(b) || (a < b ? -1 : a > b ? 1 : 0));

  const created = new Set<string>();
  return files.map((file) => {
    const statements = splitStatements(readFileSync(/* turbopackIgnore: true */ join(root, file), "utf8"));
    for (const statement of statements) {
      const { kind, table } = describeStatement(statement);
      if (kind === "create_table") created.add(table!);
      if (kind === "alter_table" && !created.has(table!)) {
        throw new Error(`${file}: ALTER TABLE ${table} comes before any CREATE TABLE ${table} in the schema's apply order`);
      }
    }
    return { file, statements };
  });
}

/**
 * Create the embedded database's schema: every statement of every file, in order, converted to
 * DuckDB (or a file's `.duckdb.sql` sibling run verbatim). Idempotent, because every statement
 * is `IF NOT EXISTS` (a unit test holds the files to that), so it runs on every open, and a
 * partly applied schema (a crash midway) is completed by the next run.
 *
 * `run` executes one statement on a connection whose TimeZone is UTC (the DuckDB adapter passes
 * its first connection).
 */
export async function applyEmbeddedSchema(
  run: (sql: string) => Promise<unknown>,
  dir: string = SCHEMA_DIR,
): Promise<void> {
  const root = resolve(/* turbopackIgnore: true */ dir);
  const bigQueryFiles = loadSchemaFiles(root);
  const siblings = readdirSync(/* turbopackIgnore: true */ root).filter((f) => f.endsWith(DUCKDB_SUFFIX));
  for (const sibling of siblings) {
    const base = sibling.slice(0, -DUCKDB_SUFFIX.length);
    if (!bigQueryFiles.some((f) => f.file === `${base}.sql`)) {
      throw new Error(`${sibling} has no BigQuery sibling ${base}.sql: the BigQuery DDL is the source of truth`);
    }
  }

  for (const { file, statements } of bigQueryFiles) {
    const sibling = join(root, `${basename(file, ".sql")}${DUCKDB_SUFFIX}`);
    const duckStatements = existsSync(sibling)
      ? splitStatements(readFileSync(sibling, "utf8"))
      : statements.flatMap((s) => {
          try {
            return toDuckDbStatements(s);
          } catch (error) {
            throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
        });
    for (const sql of duckStatements) {
      try {
        await run(sql);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Embedded schema, ${file}: ${message}\n${sql}`, { cause: error });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What the console needs (the health check)

/**
 * Every column the schema declares, per logical `dataset.table`: the columns of each CREATE
 * TABLE and every ADD COLUMN. That is exactly what the console reads and writes — the DDL of a
 * pipeline table declares only the columns the console reads — so a table or column missing
 * from the warehouse is one the console cannot work without.
 */
export function declaredColumns(files = loadSchemaFiles()): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { statements } of files) {
    for (const statement of statements) {
      const declared = columnDefinitions(statement);
      if (!declared) continue;
      for (const name of declared.definitions.map(definedColumnName)) {
        if (!name) continue;
        const list = out.get(declared.table) ?? [];
        if (!list.includes(name)) list.push(name);
        out.set(declared.table, list);
      }
    }
  }
  return out;
}

/**
 * Every declared column's type, per logical `dataset.table` (the columns `declaredColumns` lists),
 * in the form the warehouse's insert statements take: NUMERIC(p,s) and DECIMAL are NUMERIC,
 * BOOLEAN is BOOL, ARRAY<T> is [T]. The one source of the column types the console writes with.
 */
export function declaredColumnTypes(files = loadSchemaFiles()): Map<string, Map<string, ColumnType>> {
  const out = new Map<string, Map<string, ColumnType>>();
  for (const { statements } of files) {
    for (const statement of statements) {
      const declared = columnDefinitions(statement);
      if (!declared) continue;
      for (const definition of declared.definitions) {
        const name = definedColumnName(definition);
        const type = name ? new RegExp(`\\b${name}\\s+([A-Za-z_]\\w*)(?:\\s*<\\s*([A-Za-z_]\\w*))?`).exec(definition) : null;
        if (!name || !type) continue;
        const columns = out.get(declared.table) ?? new Map<string, ColumnType>();
        if (!columns.has(name)) columns.set(name, type[2] ? [scalarType(type[2])] : scalarType(type[1]!));
        out.set(declared.table, columns);
      }
    }
  }
  return out;
}

const SCALAR_TYPES = new Set<string>(["STRING", "INT64", "FLOAT64", "NUMERIC", "BOOL", "DATE", "TIMESTAMP"]);

/** A BigQuery scalar type name as the insert statements name it. */
function scalarType(name: string): ScalarType {
  const upper = name.toUpperCase();
  if (upper === "DECIMAL") return "NUMERIC";
  if (upper === "BOOLEAN") return "BOOL";
  if (SCALAR_TYPES.has(upper)) return upper as ScalarType;
  throw new Error(`Column type ${name} has no insert type`);
}

/** What the warehouse lacks of what the console needs: whole tables, and columns of present tables. */
export async function missingSchema(wh: Warehouse, needed = declaredColumns()): Promise<{ tables: string[]; columns: string[] }> {
  const datasets = [...new Set([...needed.keys()].map((t) => t.split(".")[0]!))];
  const present = new Map<string, Set<string>>();
  for (const c of await listColumns(wh, datasets)) {
    const table = `${c.dataset}.${c.table}`;
    present.set(table, (present.get(table) ?? new Set()).add(c.column));
  }
  const tables: string[] = [];
  const columns: string[] = [];
  for (const [table, cols] of needed) {
    const have = present.get(table);
    if (!have) tables.push(table);
    else for (const c of cols) if (!have.has(c)) columns.push(`${table}.${c}`);
  }
  return { tables, columns };
}
