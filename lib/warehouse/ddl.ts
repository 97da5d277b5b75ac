import { splitSql, type Segment } from "./sql-text";

/**
 * The conversion of the schema's BigQuery DDL (`sql/schema/`) to DuckDB, which builds the
 * embedded database from the same files (lib/warehouse/schema.ts applies it): all DDL lives in
 * sql/, in BigQuery's dialect, and the two backends cannot drift apart.
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
 * DuckDB version, and `applyEmbeddedSchema` runs it verbatim instead: the adapter owns the dialect
 * differences, and a sibling file only where SQL truly cannot be shared.

/** A sibling file holding the DuckDB version of a schema file that cannot be converted. */
export const DUCKDB_SUFFIX = ".duckdb.sql";

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
        `lib/warehouse/ddl.ts, or add a sibling <dataset>.<table>${DUCKDB_SUFFIX}.`,
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

/** BigQuery's scalar types and the DuckDB type each becomes. */
export const SCALAR_TYPES: Readonly<Record<string, string>> = {
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
// Reading statements (the BigQuery apply plan and the columns the console needs)

/** The statement's masked code without its trailing `;`. */
function maskedCode(statement: string): string {
  return mask(statement).code.replace(new RegExp(`;${GAP}*$`), "");
}

/** Whether an ALTER TABLE only adds columns, each `IF NOT EXISTS`: additive and repeatable. */
export function onlyAddsColumns(statement: string): boolean {
  const code = maskedCode(statement);
  const alter = ALTER_TABLE.exec(code);
  if (!alter) return false;
  return splitTopLevel(code.slice(alter[0].length)).every((action) => Boolean(ADD_COLUMN.exec(action)?.[2]));
}

/** The CREATE TABLE without its IF NOT EXISTS: fails if the table appeared since it was checked. */
export function strictCreate(statement: string): string {
  const { code, segments } = mask(statement);
  const create = CREATE_TABLE.exec(code)!;
  const head = create[1]!.replace(new RegExp(`IF${GAP}+NOT${GAP}+EXISTS${GAP}+`, "i"), "");
  return unmask(head + code.slice(create[1]!.length), segments);
}

/**
 * The column definitions a CREATE TABLE declares or an ALTER TABLE adds (each `name TYPE …`, as
 * masked code), with the table; null for any other statement.
 */
export function columnDefinitions(statement: string): { table: string; definitions: string[] } | null {
  const code = maskedCode(statement);
  const create = CREATE_TABLE.exec(code);
  if (create) {
    const open = create[0].length - 1;
    return { table: describeStatement(statement).table!, definitions: splitTopLevel(code.slice(open + 1, matchingParen(code, open))) };
  }
  const alter = ALTER_TABLE.exec(code);
  if (!alter) return null;
  const definitions = splitTopLevel(code.slice(alter[0].length)).flatMap((action) => {
    const add = ADD_COLUMN.exec(action);
    return add ? [action.slice(add[0].length)] : [];
  });
  return { table: `${alter[2]}.${alter[3]}`, definitions };
}

/** The column a definition from `columnDefinitions` declares, or undefined. */
export function definedColumnName(definition: string): string | undefined {
  return new RegExp(`^${GAP}*(${NAME})`).exec(definition)?.[1];
}
