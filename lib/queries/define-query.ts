import "server-only";

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";

import { splitSql } from "@/lib/warehouse/sql-text";
import type { ParamType, ParamValue, SqlStatement, Warehouse } from "@/lib/warehouse/types";

/**
 * One typed definition per SQL file. A definition names its file, declares
 * zod schemas for its parameters and rows and a warehouse type per parameter, and `run()`
 * validates both ways: bad parameters never reach the warehouse, and a row that does not match
 * its schema (a renamed column, a wrong type) fails loudly instead of rendering as blanks.
 *
 * Identifiers cannot be parameters. Where a query must name a table or column chosen at run time
 * (an upstream table from the processor registry), the SQL holds a `{{placeholder}}` and the
 * definition lists the allowed values; anything else is refused, so no identifier ever comes from input. A block several queries share
 * lives once in `sql/fragments/` and is included with `{{> name arg=value}}` (expandIncludes).
 */

export interface QueryDefinition<P extends Record<string, unknown>, R> {
  name: string;
  /** Path under `sql/`, e.g. `completeness/player_window_games.sql`. */
  file: string;
  params: z.ZodType<P>;
  types: { [K in keyof P]-?: ParamType };
  row: z.ZodType<R>;
  /** Placeholder name → allowed identifiers (the first is used by the offline syntax check). */
  fragments?: Record<string, readonly string[]>;
}

export interface Query<P extends Record<string, unknown>, R> extends QueryDefinition<P, R> {
  /** The SQL text with the given fragments substituted. */
  sql(fragments?: Record<string, string>): string;
  /**
   * The query lowered to a statement for a transaction (a DML statement, or a guard SELECT): its
   * text, its parameters validated by its schema, and their declared types.
   */
  statement(params: P, fragments?: Record<string, string>): SqlStatement;
  run(warehouse: Warehouse, params: P, fragments?: Record<string, string>): Promise<R[]>;
}

// Resolved at run time from the working directory (the project root under `next start`); the
// ignore comment keeps Turbopack from tracing the whole project for this dynamic path.
const SQL_ROOT = join(/* turbopackIgnore: true */ process.cwd(), "sql");
const textCache = new Map<string, string>();

/** A file under `sql/` with its `{{> fragment}}` includes expanded (cached: the files do not change at run time). */
export function readSqlFile(file: string): string {
  let text = textCache.get(file);
  if (text === undefined) {
    text = expandIncludes(readFileSync(/* turbopackIgnore: true */ join(SQL_ROOT, file), "utf8"), [file]);
    textCache.set(file, text);
  }
  return text;
}

/** Where shared SQL blocks live: `sql/fragments/<name>.sql`, included as `{{> name arg=value …}}`. */
export const FRAGMENT_DIR = "fragments";

/** `{{> name arg=value …}}`: an argument is an identifier (`outputs`, `nba_raw.nbac_schedule`) or a `@param`. */
const INCLUDE = /\{\{>\s*([a-z_]+)((?:\s+[a-z_]+=@?[A-Za-z_][A-Za-z0-9_.]*)*)\s*\}\}/g;

/** The code of a fragment file: its text without the header comment that states its rule and parameters. */
function fragmentBody(name: string): string {
  const text = readFileSync(/* turbopackIgnore: true */ join(SQL_ROOT, FRAGMENT_DIR, `${name}.sql`), "utf8");
  const lines = text.split("\n");
  const start = lines.findIndex((line) => !line.startsWith("--"));
  return lines.slice(start).join("\n").replace(/\n+$/, "");
}

/**
 * Replace each `{{> name arg=value …}}` in code (not in comments or strings) by the fragment file's
 * code, with each `{{arg}}` of the fragment replaced by its value. The values are written in the
 * including SQL file, never taken from input. Every argument must be used; a `{{placeholder}}` of
 * the fragment that is not an argument is left for the definition's own placeholders (and refused
 * there if the definition does not declare it). Fragments may include fragments, never themselves.
 */
export function expandIncludes(text: string, trail: readonly string[] = []): string {
  return splitSql(text)
    .map((segment) =>
      segment.kind !== "code"
        ? segment.text
        : segment.text.replace(INCLUDE, (_m, name: string, argText: string) => {
            if (trail.includes(name)) throw new Error(`SQL fragment ${name} includes itself (${[...trail, name].join(" → ")})`);
            const args = new Map(
              argText
                .trim()
                .split(/\s+/)
                .filter(Boolean)
                .map((pair) => pair.split("=") as [string, string]),
            );
            const body = fragmentBody(name);
            const unused = [...args.keys()].filter((arg) => !body.includes(`{{${arg}}}`));
            if (unused.length > 0) throw new Error(`SQL fragment ${name} does not use ${unused.map((a) => `{{${a}}}`).join(", ")}`);
            const filled = body.replace(/\{\{([a-z_]+)\}\}/g, (placeholder, arg: string) => args.get(arg) ?? placeholder);
            return expandIncludes(filled, [...trail, name]);
          }),
    )
    .join("");
}

/** The fragment names a SQL text includes (`{{> name …}}` in code). */
export function includedFragments(text: string): string[] {
  return splitSql(text)
    .filter((segment) => segment.kind === "code")
    .flatMap((segment) => [...segment.text.matchAll(INCLUDE)].map((m) => m[1]!));
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

export function fillFragments(
  text: string,
  allowed: Record<string, readonly string[]> = {},
  chosen: Record<string, string> = {},
): string {
  // Only code is filled: a header comment may mention a placeholder by name.
  return splitSql(text)
    .map((segment) =>
      segment.kind !== "code"
        ? segment.text
        : segment.text.replace(PLACEHOLDER, (_m, name: string) => {
            const options = allowed[name];
            if (!options) throw new Error(`SQL placeholder {{${name}}} is not declared`);
            const value = chosen[name] ?? options[0]!;
            if (!options.includes(value)) throw new Error(`"${value}" is not an allowed value for {{${name}}}`);
            return value;
          }),
    )
    .join("");
}

export function defineQuery<P extends Record<string, unknown>, R>(def: QueryDefinition<P, R>): Query<P, R> {
  return {
    ...def,
    sql: (fragments) => fillFragments(readSqlFile(def.file), def.fragments, fragments),
    statement: (params, fragments) => ({
      sql: fillFragments(readSqlFile(def.file), def.fragments, fragments),
      params: def.params.parse(params) as Record<string, ParamValue>,
      types: def.types as Record<string, ParamType>,
    }),
    async run(warehouse, input, fragments) {
      const params = def.params.parse(input);
      const rows = await warehouse.query(fillFragments(readSqlFile(def.file), def.fragments, fragments), {
        params: params as Record<string, ParamValue>,
        types: def.types as Record<string, ParamType>,
        label: def.name,
      });
      return rows.map((row, i) => {
        const parsed = def.row.safeParse(row);
        if (!parsed.success) {
          throw new Error(`Query ${def.name} returned a row that does not match its schema (row ${i}): ${parsed.error.message}`);
        }
        return parsed.data;
      });
    },
  };
}
