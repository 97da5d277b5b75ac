/**
 * The one warehouse contract. Callers write BigQuery-dialect SQL with named `@params`, declare a
 * type for every parameter (BigQuery cannot infer the type of NULL or of an empty array, and
 * DuckDB needs it to cast), and get rows back as plain JSON-safe values — the same on both
 * backends:
 *
 *   DATE      → "YYYY-MM-DD"                 (a calendar date, never shifted by a time zone)
 *   TIMESTAMP → "YYYY-MM-DDTHH:mm:ss.sssZ"   (UTC instant; ".ssssssZ" when it is not a whole
 *                                            millisecond: the stored microseconds are kept, so
 *                                            the value compares equal to what is stored)
 *   INT64, NUMERIC, FLOAT64 → number
 *   BOOL → boolean, STRING → string, ARRAY → array, NULL → null
 */

export type ScalarType = "STRING" | "INT64" | "FLOAT64" | "NUMERIC" | "BOOL" | "DATE" | "TIMESTAMP";
/** A column's type in an insert: a scalar, or `[scalar]` for an ARRAY column. */
export type ColumnType = ScalarType | [ScalarType];
/** The fields of a STRUCT parameter. */
export type StructType = { [field: string]: ColumnType };
/**
 * A parameter type in the shape `@google-cloud/bigquery` accepts: a scalar, `[scalar]` for an
 * array, or `[{ field: type }]` for an array of structs (used by the BigQuery adapter to insert
 * many rows in one DML statement; the DuckDB adapter inserts through its appender instead).
 */
export type ParamType = ScalarType | [ScalarType] | [StructType];

type Scalar = string | number | boolean | Date;
export type ParamValue =
  | Scalar
  | null
  | ReadonlyArray<Scalar>
  | ReadonlyArray<Readonly<Record<string, Scalar | null | ReadonlyArray<Scalar>>>>;

export interface QueryOptions {
  params?: Record<string, ParamValue>;
  /** Required for every key of `params`. */
  types?: Record<string, ParamType>;
  /** A short name for the job (BigQuery label `query`), e.g. "monitoring_health". */
  label?: string;
  /**
   * Identifies one logical request; retries of the same job reuse it (BigQuery `requestId`),
   * except the re-issue of a job aborted for a concurrent update (rolled back), which gets a new one.
   */
  requestId?: string;
}

export type Row = Record<string, unknown>;

export interface SqlStatement {
  sql: string;
  params?: Record<string, ParamValue>;
  types?: Record<string, ParamType>;
}

/**
 * Append rows to a table. Rows use the table's column names and the row value contract
 * (dates as YYYY-MM-DD, timestamps as ISO strings); columns not listed get their default.
 * Each adapter lowers it its own way: DuckDB's appender (fast, inside the transaction), and a
 * DML `INSERT … SELECT … FROM UNNEST(@rows)` in BigQuery (never streaming inserts: streamed
 * rows cannot be changed or deleted for a while, and resets delete rows).
 */
export interface InsertStatement {
  /** `dataset.table` */
  insert: string;
  columns: Readonly<Record<string, ColumnType>>;
  // Any object type with the columns as properties (row interfaces need no index signature).
  rows: ReadonlyArray<object>;
}

export type Statement = SqlStatement | InsertStatement;

export function isInsert(statement: Statement): statement is InsertStatement {
  return "insert" in statement;
}

export interface ExecuteResult {
  /** Rows inserted, updated or deleted, where the backend reports it. */
  affectedRows: number;
}

export type WarehouseKind = "embedded" | "bigquery";

export interface TransactionOptions extends Omit<QueryOptions, "params" | "types"> {
  /**
   * A SELECT returning one row with one BOOL column `ok`, evaluated inside the transaction
   * before the statements. When it is not TRUE nothing is written and `GuardFailedError` is
   * thrown: compare-and-swap for "apply only if the state is still what I read" (DuckDB: all
   * writes are serialized, so the check holds until commit; BigQuery: IF … RAISE in the script,
   * after an UPDATE of `nba_orchestration.console_write_lock` that makes BigQuery cancel the second
   * of two concurrent guarded transactions, so the check holds across replicas too).
   */
  guard?: SqlStatement;
}

export interface Warehouse {
  readonly kind: WarehouseKind;
  /** Run one SELECT and return its rows. */
  query<T extends Row = Row>(sql: string, options?: QueryOptions): Promise<T[]>;
  /** Run one DML or DDL statement. */
  execute(sql: string, options?: QueryOptions): Promise<ExecuteResult>;
  /**
   * Apply the statements all or nothing, in order (DuckDB: BEGIN/COMMIT on a dedicated
   * connection; BigQuery: one multi-statement transaction script). Returns the affected row
   * count per statement.
   */
  transaction(statements: Statement[], options?: TransactionOptions): Promise<ExecuteResult[]>;
  /** Append rows (one InsertStatement in its own transaction). */
  insert(table: string, columns: InsertStatement["columns"], rows: InsertStatement["rows"]): Promise<ExecuteResult>;
  /** Release connections and file locks. */
  close(): Promise<void>;
}

/**
 * Next bundles a module once per entry (pages, route handlers), so one process can hold several
 * copies of these classes while the warehouse — one per process, on globalThis — throws the
 * copy of whichever bundle created it. `instanceof` therefore checks a brand registered with
 * `Symbol.for` (the same in every copy), not the class identity.
 */
const WAREHOUSE_ERROR = Symbol.for("completeness-console.WarehouseError");
const GUARD_FAILED = Symbol.for("completeness-console.GuardFailedError");

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** A warehouse failure with a message safe to show; `detail` is for the logs only. */
export class WarehouseError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, this === WarehouseError ? WAREHOUSE_ERROR : GUARD_FAILED);
  }

  constructor(
    message: string,
    readonly detail: { reason?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = "WarehouseError";
    Object.defineProperty(this, WAREHOUSE_ERROR, { value: true });
  }
}

/** A transaction's guard did not hold: the state changed since it was read. Nothing was written. */
export class GuardFailedError extends WarehouseError {
  constructor() {
    super("The data changed since it was read; nothing was written", { reason: "guardFailed" });
    this.name = "GuardFailedError";
    Object.defineProperty(this, GUARD_FAILED, { value: true });
  }
}
