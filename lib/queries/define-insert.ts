import "server-only";

import { declaredColumnTypes, loadSchemaFiles } from "@/lib/warehouse/schema";
import type { ColumnType, InsertStatement, Warehouse } from "@/lib/warehouse/types";

/**
 * One typed definition per table the console appends to: its name and the columns a write
 * fills, each typed as the table's DDL in `sql/schema/` declares it (the DDL is the one owner of
 * a column's type; a column it does not declare is refused when the statement is built). The
 * definition lowers itself to the `InsertStatement` the warehouse's transaction takes, which each
 * adapter turns into a DML INSERT (BigQuery, never streaming) or its appender (DuckDB); columns not
 * listed get the table's default.
 */
export interface InsertDefinition<R extends object> {
  /** `dataset.table` */
  table: string;
  /** The columns written, in the order the statement lists them. */
  columns: readonly (keyof R & string)[];
}

export interface Insert<R extends object> extends InsertDefinition<R> {
  /** The columns' types, from the DDL. */
  types(): Readonly<Record<string, ColumnType>>;
  /** The statement appending `rows` (for a transaction). */
  statement(rows: readonly R[]): InsertStatement;
  /** Append `rows` in a transaction of their own (nothing is sent for no rows). */
  run(warehouse: Warehouse, rows: readonly R[]): Promise<void>;
}

const declared = new Map<string, Map<string, Map<string, ColumnType>>>();

/**
 * The types of some columns of a table, as the DDL in `dir` declares them (each folder parsed
 * once per process): `sql/schema/` for the console's tables, `sql/original/` for the original
 * pipeline's (the demo's original profile writes those).
 */
export function columnTypes(table: string, columns: readonly string[], dir = "sql/schema"): Record<string, ColumnType> {
  let tables = declared.get(dir);
  if (!tables) declared.set(dir, (tables = declaredColumnTypes(loadSchemaFiles(dir))));
  const types = tables.get(table);
  if (!types) throw new Error(`${table} is not declared in ${dir}`);
  return Object.fromEntries(
    columns.map((column) => {
      const type = types.get(column);
      if (type === undefined) throw new Error(`${table}.${column} is not declared in ${dir}`);
      return [column, type];
    }),
  );
}

export function defineInsert<R extends object>(def: InsertDefinition<R>): Insert<R> {
  let types: Record<string, ColumnType> | undefined;
  const typesOf = () => (types ??= columnTypes(def.table, def.columns));
  return {
    ...def,
    types: typesOf,
    statement: (rows) => ({ insert: def.table, columns: typesOf(), rows }),
    async run(warehouse, rows) {
      if (rows.length) await warehouse.insert(def.table, typesOf(), rows);
    },
  };
}
