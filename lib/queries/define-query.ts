import "server-only";

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";

import { splitSql } from "@/lib/warehouse/sql-text";
import type { ParamType, ParamValue, Warehouse } from "@/lib/warehouse/types";

/**
 * One typed definition per SQL file (STYLE principle 1). A definition names its file, declares
 * zod schemas for its parameters and rows and a warehouse type per parameter, and `run()`
 * validates both ways: bad parameters never reach the warehouse, and a row that does not match
 * its schema (a renamed column, a wrong type) fails loudly instead of rendering as blanks.
 *
 * Identifiers cannot be parameters. Where a query must name a table or column chosen at run time
 * (an upstream table from the processor registry), the SQL holds a `{{placeholder}}` and the
 * definition lists the allowed values; anything else is refused (STYLE principle 3).
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
  run(warehouse: Warehouse, params: P, fragments?: Record<string, string>): Promise<R[]>;
}

// Resolved at run time from the working directory (the project root under `next start`); the
// ignore comment keeps Turbopack from tracing the whole project for this dynamic path.
const SQL_ROOT = join(/* turbopackIgnore: true */ process.cwd(), "sql");
const textCache = new Map<string, string>();

export function readSqlFile(file: string): string {
  let text = textCache.get(file);
  if (text === undefined) {
    text = readFileSync(/* turbopackIgnore: true */ join(SQL_ROOT, file), "utf8");
    textCache.set(file, text);
  }
  return text;
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
