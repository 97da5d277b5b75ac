/**
 * The one warehouse contract. Callers write BigQuery-dialect SQL with named `@params`, declare a
 * type for every parameter (BigQuery cannot infer the type of NULL or of an empty array, and
 * DuckDB needs it to cast), and get rows back as plain JSON-safe values — the same on both
 * backends:
 *
 *   DATE      → "YYYY-MM-DD"                 (a calendar date, never shifted by a time zone)
 *   TIMESTAMP → "YYYY-MM-DDTHH:mm:ss.sssZ"   (UTC instant)
 *   INT64, NUMERIC, FLOAT64 → number
 *   BOOL → boolean, STRING → string, ARRAY → array, NULL → null
 */

export type ScalarType = "STRING" | "INT64" | "FLOAT64" | "NUMERIC" | "BOOL" | "DATE" | "TIMESTAMP";
/** A parameter type in the shape `@google-cloud/bigquery` accepts: a scalar, or `[scalar]` for an array. */
export type ParamType = ScalarType | [ScalarType];

export type ParamValue = string | number | boolean | Date | null | ReadonlyArray<string | number | boolean | Date>;

export interface QueryOptions {
  params?: Record<string, ParamValue>;
  /** Required for every key of `params`. */
  types?: Record<string, ParamType>;
  /** A short name for the job (BigQuery label `query`), e.g. "monitoring_health". */
  label?: string;
  /** Identifies one logical request; retries of the same job reuse it (BigQuery `requestId`). */
  requestId?: string;
}

export type Row = Record<string, unknown>;

export interface Statement {
  sql: string;
  params?: Record<string, ParamValue>;
  types?: Record<string, ParamType>;
}

export interface ExecuteResult {
  /** Rows inserted, updated or deleted, where the backend reports it. */
  affectedRows: number;
}

export type WarehouseKind = "embedded" | "bigquery";

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
  transaction(statements: Statement[], options?: Omit<QueryOptions, "params" | "types">): Promise<ExecuteResult[]>;
  /** Release connections and file locks. */
  close(): Promise<void>;
}

/** A warehouse failure with a message safe to show; `detail` is for the logs only. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly detail: { reason?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = "WarehouseError";
  }
}
