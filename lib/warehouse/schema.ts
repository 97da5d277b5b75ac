import "server-only";

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

import { PROCESSORS } from "@/lib/completeness/processors";

import { listColumns } from "./catalog";
import { splitSql, splitStatements, type Segment } from "./sql-text";
import { WRITE_LOCK_SEED } from "./write-lock";
import { type ColumnType, type ScalarType, WarehouseError, type Warehouse } from "./types";

/**
 * The schema: BigQuery DDL files in `sql/schema/` (one per table, `<dataset>.<table>.sql`), and
 * the small conversion that builds the embedded DuckDB database from the same files (SPEC §2.2:
 * "All DDL lives in sql/, in BigQuery's dialect, and the embedded database is built from it").
 *
 * The conversion (`toDuckDbStatements`) handles exactly the DDL constructs the schema uses and
 * throws on anything else, so a new construct fails loudly in the unit tests instead of
 * silently meaning something different on DuckDB:
 *
 *   CREATE TABLE [IF NOT EXISTS] ds.t (…)   → CREATE SCHEMA IF NOT EXISTS ds; CREATE TABLE … (…)
 *   CREATE SCHEMA …                         → kept (OPTIONS dropped)
 *   column types                            → STRING→VARCHAR, INT64→BIGINT, FLOAT64→DOUBLE,
 *                                             BOOL/BOOLEAN→BOOLEAN, NUMERIC(p[,s])→DECIMAL(p,s),
 *                                             NUMERIC→DECIMAL(38,9) (BigQuery's NUMERIC),
 *                                             DATE→DATE, TIMESTAMP→TIMESTAMPTZ, ARRAY<T>→T[]
 *   DEFAULT CURRENT_TIMESTAMP()             → DEFAULT current_timestamp (DuckDB has no such
 *                                             function with parentheses; CURRENT_DATE() likewise)
 *   PARTITION BY / CLUSTER BY / OPTIONS(…)  → dropped (storage layout, no meaning in DuckDB)
 *   ALTER TABLE … SET OPTIONS (…)           → no statement
 *   ALTER TABLE … ADD COLUMN [IF NOT EXISTS] c T, ADD COLUMN …
 *                                           → one ALTER per column (DuckDB allows one action
 *                                             per ALTER), types converted
 *
 * TIMESTAMP becomes TIMESTAMPTZ because a BigQuery TIMESTAMP is an instant; the embedded
 * database runs with TimeZone=UTC, so values read back as the same instant on both backends.
 *
 * Everything is done on code only: the lexer in sql-text.ts masks string literals, quoted
 * identifiers and comments first, so nothing inside them is ever rewritten. Comments are kept
 * (`#` comments become `--`, the only line-comment form DuckDB knows). A string literal that
 * survives the conversion (e.g. a DEFAULT 'x') must be a plain single-quoted string without
 * backslashes, the one form both dialects read the same way; backquoted identifiers are
 * refused (the schema uses plain `dataset.table` names).
 *
 * Where a file truly cannot be converted, a sibling `<dataset>.<table>.duckdb.sql` holds the
 * DuckDB version, and `applyEmbeddedSchema` runs it verbatim instead (STYLE principle 2).
 */

const SCHEMA_DIR = "sql/schema";
const DUCKDB_SUFFIX = ".duckdb.sql";

// ---------------------------------------------------------------------------------------------
// Masking: code with every non-code segment replaced by a placeholder. Comments use \u0001 so
// that "whitespace" patterns can skip them; strings and identifiers use \u0000.

const COMMENT_MARK = "\u0001";
const LITERAL_MARK = "\u0000";
/** Whitespace or comment placeholders: what may stand between two tokens. */
const GAP = `(?:\\s|${COMMENT_MARK}\\d+${COMMENT_MARK})`;
const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const PLACEHOLDER = /[\u0000\u0001](\d+)[\u0000\u0001]/g;

interface Masked {
  code: string;
  segments: Segment[];
}

function mask(sql: string): Masked {
  const segments: Segment[] = [];
  let code = "";
  for (const s of splitSql(sql)) {
    if (s.kind === "code") {
      code += s.text;
    } else {
      const mark = s.kind === "comment" ? COMMENT_MARK : LITERAL_MARK;
      code += `${mark}${segments.length}${mark}`;
      segments.push(s);
    }
  }
  return { code, segments };
}

function unmask(text: string, segments: Segment[]): string {
  return text.replace(PLACEHOLDER, (_m, index: string) => renderSegment(segments[Number(index)]!));
}

function renderSegment(s: Segment): string {
  if (s.kind === "comment") return s.text.startsWith("#") ? `--${s.text.slice(1)}` : s.text;
  if (s.kind === "string" && /^'[^'\\\n]*'$/.test(s.text)) return s.text;
  throw new SchemaConversionError(
    s.kind === "identifier"
      ? `backquoted identifier ${s.text} (use plain dataset.table names in sql/schema)`
      : `string literal ${s.text} (only plain single-quoted strings mean the same in DuckDB)`,
  );
}

export class SchemaConversionError extends Error {
  constructor(what: string) {
    super(
      `Cannot convert BigQuery DDL to DuckDB: ${what}. Extend toDuckDbStatements in ` +
        `lib/warehouse/schema.ts, or add a sibling <dataset>.<table>${DUCKDB_SUFFIX}.`,
    );
    this.name = "SchemaConversionError";
  }
}

// ---------------------------------------------------------------------------------------------
// Small scanners over masked code (strings are placeholders, so parentheses and commas seen
// here are real syntax).

/** Index of the parenthesis closing the one at `open`, or -1. */
function matchingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/**
 * Split on commas outside (…) and <…>, so NUMERIC(5,1) and ARRAY<STRUCT<a, b>> stay whole.
 * Counting < and > as brackets is sound for DDL: a column list or ALTER action list has no
 * comparison operators.
 */
function splitTopLevel(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === "(" || ch === "<") depth++;
    else if (ch === ")" || ch === ">") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts;
}

/** Remove every `OPTIONS (…)` clause (table, column or schema options: no DuckDB meaning). */
function dropOptions(code: string): string {
  const re = new RegExp(`${GAP}*\\bOPTIONS${GAP}*\\(`, "gi");
  let out = code;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(out, open);
    if (close === -1) throw new SchemaConversionError("unbalanced OPTIONS(…)");
    out = out.slice(0, m.index) + out.slice(close + 1);
    re.lastIndex = m.index;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Types

const SCALAR_TYPES: Record<string, string> = {
  STRING: "VARCHAR",
  INT64: "BIGINT",
  FLOAT64: "DOUBLE",
  BOOL: "BOOLEAN",
  BOOLEAN: "BOOLEAN",
  DATE: "DATE",
  // An instant; the embedded database's session time zone is UTC (see the file comment).
  TIMESTAMP: "TIMESTAMPTZ",
};

/** Parse one BigQuery type starting at `at` in masked code; return its DuckDB form and end. */
function convertType(code: string, at: number): { sql: string; end: number } {
  const word = new RegExp(`^${NAME}`).exec(code.slice(at));
  if (!word) throw new SchemaConversionError(`expected a type at "${code.slice(at, at + 30)}"`);
  const name = word[0].toUpperCase();
  const i = at + word[0].length;

  if (name === "ARRAY") {
    const open = /^\s*<\s*/.exec(code.slice(i));
    if (!open) throw new SchemaConversionError("ARRAY without <element type>");
    const inner = convertType(code, i + open[0].length);
    const close = /^\s*>/.exec(code.slice(inner.end));
    if (!close) throw new SchemaConversionError("ARRAY<… without closing >");
    return { sql: `${inner.sql}[]`, end: inner.end + close[0].length };
  }

  const args = /^\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(code.slice(i));
  if (name === "NUMERIC" || name === "DECIMAL") {
    if (!args) return { sql: "DECIMAL(38,9)", end: i }; // BigQuery NUMERIC: precision 38, scale 9
    return { sql: `DECIMAL(${args[1]},${args[2] ?? "0"})`, end: i + args[0].length };
  }
  const duck = SCALAR_TYPES[name];
  if (!duck) throw new SchemaConversionError(`type ${word[0]}`);
  if (args) throw new SchemaConversionError(`parameterized type ${word[0]}${args[0].trim()}`);
  return { sql: duck, end: i };
}

/** One column definition (masked): `[gap] name TYPE [NOT NULL] [DEFAULT …] [OPTIONS(…)] [gap]`. */
function convertColumn(def: string): string {
  const m = new RegExp(`^(${GAP}*)(${NAME})(\\s+)`).exec(def);
  if (!m) throw new SchemaConversionError(`column definition "${def.trim().slice(0, 60)}"`);
  const [, lead, name, space] = m as unknown as [string, string, string, string];
  if (/^(PRIMARY|FOREIGN|CONSTRAINT)$/i.test(name)) {
    throw new SchemaConversionError(`table constraint "${def.trim().slice(0, 60)}"`);
  }
  const type = convertType(def, m[0].length);
  const rest = dropOptions(def.slice(type.end))
    .replace(/\bCURRENT_TIMESTAMP\s*\(\s*\)/gi, "current_timestamp")
    .replace(/\bCURRENT_DATE\s*\(\s*\)/gi, "current_date");
  return `${lead}${name}${space}${type.sql}${rest}`;
}

// ---------------------------------------------------------------------------------------------
// Statements

const CREATE_TABLE = new RegExp(
  `^(${GAP}*CREATE${GAP}+(?:OR${GAP}+REPLACE${GAP}+)?TABLE${GAP}+(?:IF${GAP}+NOT${GAP}+EXISTS${GAP}+)?)` +
    `(${NAME})\\.(${NAME})${GAP}*\\(`,
  "i",
);
const CREATE_SCHEMA = new RegExp(`^${GAP}*CREATE${GAP}+SCHEMA\\b`, "i");
const ALTER_TABLE = new RegExp(`^(${GAP}*)ALTER${GAP}+TABLE${GAP}+(?:IF${GAP}+EXISTS${GAP}+)?(${NAME})\\.(${NAME})${GAP}+`, "i");
const ADD_COLUMN = new RegExp(`^(${GAP}*)ADD${GAP}+COLUMN${GAP}+(IF${GAP}+NOT${GAP}+EXISTS${GAP}+)?`, "i");
const SET_OPTIONS = new RegExp(`^${GAP}*(?:ALTER${GAP}+COLUMN${GAP}+(?:IF${GAP}+EXISTS${GAP}+)?${NAME}${GAP}+)?SET${GAP}+OPTIONS\\b`, "i");
/**
 * What may follow a CREATE TABLE's column list (OPTIONS already removed): an optional
 * `PARTITION BY col` or `PARTITION BY fn(args)`, then an optional `CLUSTER BY a, b`. Anything
 * else (AS SELECT, DEFAULT COLLATE, a nested partition expression) is refused, not dropped.
 */
const TABLE_TAIL = new RegExp(
  `^${GAP}*(?:PARTITION${GAP}+BY${GAP}+${NAME}(?:${GAP}*\\([^()]*\\))?${GAP}*)?` +
    `(?:CLUSTER${GAP}+BY${GAP}+${NAME}(?:${GAP}*,${GAP}*${NAME})*${GAP}*)?$`,
  "i",
);

/** What a schema statement does, read from code only (for ordering checks). */
export function describeStatement(statement: string): { kind: "create_table" | "alter_table" | "create_schema" | "other"; table?: string } {
  const { code } = mask(statement);
  const create = CREATE_TABLE.exec(code);
  if (create) return { kind: "create_table", table: `${create[2]}.${create[3]}` };
  const alter = ALTER_TABLE.exec(code);
  if (alter) return { kind: "alter_table", table: `${alter[2]}.${alter[3]}` };
  if (CREATE_SCHEMA.test(code)) return { kind: "create_schema" };
  return { kind: "other" };
}

/**
 * Convert one BigQuery DDL statement into the DuckDB statements with the same meaning for the
 * embedded database (zero, one or several; see the file comment for the rules). Throws
 * `SchemaConversionError` on any construct outside those rules.
 */
export function toDuckDbStatements(bigQueryStatement: string): string[] {
  const masked = mask(bigQueryStatement);
  // A trailing `;` is tolerated (statements usually come from splitStatements, without one).
  const code = masked.code.replace(new RegExp(`;${GAP}*$`), "");
  const segments = masked.segments;

  const create = CREATE_TABLE.exec(code);
  if (create) {
    const [head, , dataset] = create as unknown as [string, string, string];
    const open = head.length - 1;
    const close = matchingParen(code, open);
    if (close === -1) throw new SchemaConversionError("unbalanced column list");
    // After the column list BigQuery allows storage clauses only; anything else (AS SELECT,
    // DEFAULT COLLATE, …) would change meaning if dropped.
    const tail = dropOptions(code.slice(close + 1));
    if (!TABLE_TAIL.test(tail)) {
      throw new SchemaConversionError(`clause after the column list "${tail.trim().slice(0, 40)}"`);
    }
    const columns = splitTopLevel(code.slice(open + 1, close)).map(convertColumn);
    return [
      `CREATE SCHEMA IF NOT EXISTS ${dataset}`,
      unmask(`${code.slice(0, open + 1)}${columns.join(",")})`, segments).trim(),
    ];
  }

  if (CREATE_SCHEMA.test(code)) return [unmask(dropOptions(code), segments).trim()];

  const alter = ALTER_TABLE.exec(code);
  if (alter) {
    const [prefix, lead, dataset, table] = alter as unknown as [string, string, string, string];
    const out: string[] = [];
    let comments = lead; // leading comments travel with the first statement produced
    for (const action of splitTopLevel(code.slice(prefix.length))) {
      if (SET_OPTIONS.test(action)) continue; // options: no DuckDB meaning
      const add = ADD_COLUMN.exec(action);
      if (!add) throw new SchemaConversionError(`ALTER TABLE action "${action.trim().slice(0, 40)}"`);
      const ifNotExists = add[2] ? "IF NOT EXISTS " : "";
      const column = convertColumn(action.slice(add[0].length)).trim();
      out.push(unmask(`${comments}ALTER TABLE ${dataset}.${table} ADD COLUMN ${ifNotExists}${column}`, segments).trim());
      comments = "";
    }
    return out;
  }

  throw new SchemaConversionError(`statement "${code.replace(PLACEHOLDER, "").trim().slice(0, 60)}"`);
}

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
// Applying the schema to BigQuery (`npm run schema:apply`)

/** One statement of the schema, and whether applying it to a BigQuery project runs it. */
export interface BigQuerySchemaStep {
  file: string;
  /** `dataset.table`, logical names. */
  table: string;
  statement: string;
  run: boolean;
  why: string;
  /** A table the console reads that does not exist, and that this tool does not create. */
  missing?: true;
}

/** The console's own tables: `schema:apply` creates them and sets their options, every run. */
const CONSOLE_TABLES = new Set([
  "nba_orchestration.api_tokens",
  "nba_orchestration.breaker_audit_log",
  "nba_orchestration.check_outcomes",
  "nba_orchestration.completeness_checks",
  "nba_orchestration.console_write_lock",
  "nba_orchestration.revoked_sessions",
]);

/**
 * Who owns a table: the console; the pipeline and the console together (the other
 * `nba_orchestration` tables: `reprocess_attempts`, which the processors write and the console
 * extends); or the pipeline alone (every other dataset: the console only reads them, and its DDL
 * for them declares only the columns it reads).
 */
function ownerOf(table: string): "console" | "shared" | "pipeline" {
  if (CONSOLE_TABLES.has(table)) return "console";
  return table.startsWith("nba_orchestration.") ? "shared" : "pipeline";
}

/** Whether an ALTER TABLE only adds columns, each `IF NOT EXISTS`: additive and repeatable. */
function onlyAddsColumns(statement: string): boolean {
  const code = mask(statement).code.replace(new RegExp(`;${GAP}*$`), "");
  const alter = ALTER_TABLE.exec(code);
  if (!alter) return false;
  return splitTopLevel(code.slice(alter[0].length)).every((action) => Boolean(ADD_COLUMN.exec(action)?.[2]));
}

/** The CREATE TABLE without its IF NOT EXISTS: fails if the table appeared since it was checked. */
function strictCreate(statement: string): string {
  const { code, segments } = mask(statement);
  const create = CREATE_TABLE.exec(code)!;
  const head = create[1]!.replace(new RegExp(`IF${GAP}+NOT${GAP}+EXISTS${GAP}+`, "i"), "");
  return unmask(head + code.slice(create[1]!.length), segments);
}

/**
 * What bringing a BigQuery project up to the schema changes, given the tables it already has:
 *
 * - the console's own tables: every statement, every run (`IF NOT EXISTS`, and options that are
 *   the console's to set), then the write lock's row (WRITE_LOCK_SEED);
 * - a shared table that is missing: its whole file, the CREATE without `IF NOT EXISTS`, so a
 *   table the pipeline created in the meantime stops the run before its options are set;
 * - a shared table that exists: only the columns it lacks (`ADD COLUMN IF NOT EXISTS`, the
 *   console's columns on the original's `reprocess_attempts`) — its options (partition expiry,
 *   description) are the pipeline's, left as they are and listed as skipped;
 * - a pipeline table: never touched; a missing one is reported (`missing`), not created from
 *   the console's partial DDL.
 */
export function planBigQuerySchema(existingTables: ReadonlySet<string>, files = loadSchemaFiles()): BigQuerySchemaStep[] {
  return files.flatMap(({ file, statements }) => {
    const table = file.slice(0, -".sql".length);
    const exists = existingTables.has(table);
    const owner = ownerOf(table);
    const steps = statements.map((statement): BigQuerySchemaStep => {
      const create = describeStatement(statement).kind === "create_table";
      if (owner === "console") return { file, table, statement, run: true, why: "the console's own table" };
      if (owner === "pipeline") {
        return exists
          ? { file, table, statement, run: false, why: "exists: the pipeline's table" }
          : { file, table, statement, run: false, why: "missing: the pipeline's table, not created here", ...(create ? { missing: true as const } : {}) };
      }
      if (!exists) return { file, table, statement: create ? strictCreate(statement) : statement, run: true, why: "new table" };
      if (onlyAddsColumns(statement)) return { file, table, statement, run: true, why: "adds the columns it lacks" };
      return { file, table, statement, run: false, why: create ? "exists" : "exists: its options are left as they are" };
    });
    if (table === "nba_orchestration.console_write_lock") {
      steps.push({ file, table, statement: WRITE_LOCK_SEED, run: true, why: "the lock's row, inserted when missing" });
    }
    return steps;
  });
}

/** The first line of a statement's code, comments left out: how steps are shown. */
export function statementHeadline(statement: string): string {
  const code = splitSql(statement)
    .filter((s) => s.kind !== "comment")
    .map((s) => s.text)
    .join("");
  return code.trim().split("\n")[0]!.trim();
}

/**
 * Apply the schema to a BigQuery warehouse (`planBigQuerySchema` on the tables each dataset
 * holds now), or with `dryRun` only report the plan. Steps run in the schema's order, each its
 * own job; the first failure stops it, naming the file. Every step the next run would plan again
 * is idempotent, so a fixed cause and a new run complete it — except the rest of a shared table
 * this run created (the next run finds it existing): the error lists those statements.
 */
export async function applyBigQuerySchema(
  wh: Warehouse,
  opts: { dryRun?: boolean; onStep?: (step: BigQuerySchemaStep) => void } = {},
): Promise<BigQuerySchemaStep[]> {
  if (wh.kind !== "bigquery") throw new Error("applyBigQuerySchema: the embedded database applies its schema itself, on every open");
  const files = loadSchemaFiles();
  const datasets = [...new Set(files.map((f) => f.file.split(".")[0]!))];
  const existing = new Set<string>();
  for (const dataset of datasets) {
    try {
      const rows = await wh.query<{ table_name: string }>(`SELECT table_name FROM ${dataset}.INFORMATION_SCHEMA.TABLES`, { label: "schema_tables" });
      for (const r of rows) existing.add(`${dataset}.${r.table_name}`);
    } catch (error) {
      // A dataset that does not exist has no tables; its CREATE TABLEs then say what is missing.
      if (!(error instanceof WarehouseError && error.detail.reason === "notFound")) throw error;
    }
  }
  const steps = planBigQuerySchema(existing, files);
  const created = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (step.run && !opts.dryRun) {
      try {
        await wh.execute(step.statement, { label: "schema_apply" });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const rest = created.has(step.table) ? steps.slice(i).filter((s) => s.table === step.table && s.run) : [];
        const byHand = rest.length
          ? `\n${step.table} was created by this run, so the next run leaves it alone: run these by hand once fixed:\n${rest.map((s) => `  ${statementHeadline(s.statement)}`).join("\n")}`
          : "";
        throw new Error(`${step.file}: ${statementHeadline(step.statement)} — ${message}${byHand}`, { cause: error });
      }
      if (describeStatement(step.statement).kind === "create_table" && ownerOf(step.table) === "shared") created.add(step.table);
    }
    opts.onStep?.(step);
  }
  return steps;
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
  return new Map([...declaredColumnTypes(files)].map(([table, columns]) => [table, [...columns.keys()]]));
}

/**
 * Every declared column's type, per logical `dataset.table` (as `declaredColumns` lists them), in
 * the form the warehouse's insert statements take: NUMERIC(p,s) and DECIMAL are NUMERIC, BOOLEAN
 * is BOOL, ARRAY<T> is [T]. The one source of the column types the console writes with.
 */
export function declaredColumnTypes(files = loadSchemaFiles()): Map<string, Map<string, ColumnType>> {
  const out = new Map<string, Map<string, ColumnType>>();
  const add = (table: string, def: string) => {
    const m = new RegExp(`^${GAP}*(${NAME})\\s+(${NAME})(?:\\s*<\\s*(${NAME}))?`).exec(def);
    if (!m) return;
    const columns = out.get(table) ?? new Map<string, ColumnType>();
    if (!columns.has(m[1]!)) columns.set(m[1]!, m[3] ? [scalarType(m[3])] : scalarType(m[2]!));
    out.set(table, columns);
  };
  for (const { statements } of files) {
    for (const statement of statements) {
      const code = mask(statement).code.replace(new RegExp(`;${GAP}*$`), "");
      const create = CREATE_TABLE.exec(code);
      if (create) {
        const table = describeStatement(statement).table!;
        const open = create[0].length - 1;
        for (const def of splitTopLevel(code.slice(open + 1, matchingParen(code, open)))) add(table, def);
        continue;
      }
      const alter = ALTER_TABLE.exec(code);
      if (!alter) continue;
      const table = `${alter[2]}.${alter[3]}`;
      for (const action of splitTopLevel(code.slice(alter[0].length))) {
        const added = ADD_COLUMN.exec(action);
        if (added) add(table, action.slice(added[0].length));
      }
    }
  }
  return out;
}

/** A BigQuery scalar type name as the insert statements name it. */
function scalarType(name: string): ScalarType {
  const upper = name.toUpperCase();
  if (upper === "NUMERIC" || upper === "DECIMAL") return "NUMERIC";
  if (upper === "BOOLEAN") return "BOOL";
  if (upper in SCALAR_TYPES) return upper as ScalarType;
  throw new SchemaConversionError(`type ${name}`);
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
