import "server-only";

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";

import { isoFromMicros } from "@/lib/completeness/dates";

import { rewriteParams, splitSql } from "./sql-text";
import {
  GuardFailedError,
  WarehouseError,
  isInsert,
  type TransactionOptions,
  type ColumnType,
  type ExecuteResult,
  type InsertStatement,
  type ParamType,
  type ParamValue,
  type QueryOptions,
  type Row,
  type ScalarType,
  type Statement,
  type Warehouse,
} from "./types";

/**
 * The embedded warehouse: DuckDB in-process.
 *
 * - Opened lazily on first use, so `next build` (which imports server modules) never touches
 *   the file.
 * - One process owns the file: DuckDB refuses a second writer and even read-only opens while a
 *   writer holds the lock ("Could not set lock on file"). The server is that owner; tools go
 *   through its API.
 * - SQL is written in BigQuery's dialect with `@name` parameters. Each becomes
 *   `CAST($name AS <type>)`: DuckDB binds a JS string as VARCHAR and no longer casts VARCHAR
 *   implicitly to DATE/TIMESTAMP, so the declared type is applied explicitly.
 * - TIMESTAMP columns are TIMESTAMPTZ and the session time zone is UTC, so an instant is the same
 *   instant on both backends and comes back as an ISO string ending in Z.
 */

export interface DuckDbOptions {
  /** A file path, or ":memory:" for tests. */
  path: string;
  /** Connections kept for concurrent reads. */
  poolSize?: number;
  /** Runs once on a fresh connection before first use (the schema, for the console). */
  onOpen?: (run: (sql: string) => Promise<unknown>) => Promise<void>;
  /**
   * Asked before the file is opened: a reason not to open it yet (the server's database while
   * its demo build runs), which the open fails with; null to open it. Asked again on the next
   * call, so the first query after the build opens the finished file.
   */
  refuseOpen?: () => string | null;
}

const DUCK_TYPES: Record<ScalarType, string> = {
  STRING: "VARCHAR",
  INT64: "BIGINT",
  FLOAT64: "DOUBLE",
  NUMERIC: "DECIMAL(38,9)",
  BOOL: "BOOLEAN",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMPTZ",
};

/** The SQL type a parameter is cast to. */
function castType(type: ScalarType | [ScalarType]): string {
  return Array.isArray(type) ? `${DUCK_TYPES[type[0]]}[]` : DUCK_TYPES[type];
}

/** How a value is bound before the cast: text for dates (exact), numbers and booleans natively. */
function bindType(type: ScalarType): DuckDBType {
  switch (type) {
    case "INT64":
      return BIGINT;
    case "FLOAT64":
    case "NUMERIC":
      return DOUBLE;
    case "BOOL":
      return BOOLEAN;
    default:
      return VARCHAR;
  }
}

function bindScalar(value: string | number | boolean | Date, type: ScalarType): DuckDBValue {
  if (value instanceof Date) return type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString();
  if (type === "INT64") {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      throw new WarehouseError(`Parameter of type INT64 must be a safe integer, got ${JSON.stringify(value)}`);
    }
    return BigInt(value);
  }
  return value;
}

/**
 * The two BigQuery UNNEST idioms DuckDB accepts but silently miscomputes (measured):
 * - `x IN UNNEST(arr)` parses as `x IN (UNNEST(arr))` and yields one row per element;
 *   rewritten to `x IN (SELECT UNNEST(arr))`.
 * - `FROM UNNEST(arr) AS v` makes `v` a table alias whose column is a struct `{unnest: …}`;
 *   rewritten to `UNNEST(arr) AS v_unnest(v)` so `v` is the element, as in BigQuery.
 * UNNEST arguments must therefore be a parameter or an array literal without nested calls.
 */
export function toDuckDbDialect(sql: string): string {
  return splitSql(sql)
    .map((seg) =>
      seg.kind !== "code"
        ? seg.text
        : seg.text
            .replace(/\bIN\s+UNNEST\s*\(([^()]*)\)/gi, "IN (SELECT UNNEST($1))")
            .replace(/\bUNNEST\s*\(([^()]*)\)\s+AS\s+([A-Za-z_]\w*)\b(?!\s*\()/gi, "UNNEST($1) AS $2_unnest($2)"),
    )
    .join("");
}

export function bindParams(
  sql: string,
  params: Record<string, ParamValue> = {},
  types: Record<string, ParamType> = {},
): { sql: string; values: Record<string, DuckDBValue>; valueTypes: Record<string, DuckDBType> } {
  const values: Record<string, DuckDBValue> = {};
  const valueTypes: Record<string, DuckDBType> = {};
  const rewritten = rewriteParams(toDuckDbDialect(sql), (name) => {
    const type = types[name];
    if (!type) throw new WarehouseError(`Parameter @${name} has no declared type`);
    if (Array.isArray(type) && typeof type[0] === "object") {
      // Arrays of structs exist for BigQuery's batch INSERT; here rows go through the appender.
      throw new WarehouseError(`Parameter @${name}: struct arrays are not supported by the embedded adapter; use insert()`);
    }
    const declared = type as ScalarType | [ScalarType];
    if (!(name in params)) throw new WarehouseError(`Parameter @${name} has no value`);
    if (!(name in values)) {
      const value = params[name];
      if (Array.isArray(declared)) {
        const inner = declared[0];
        valueTypes[name] = LIST(bindType(inner));
        values[name] = value === null ? null : listValue((value as ParamValue[]).map((v) => bindScalar(v as string, inner)));
      } else {
        valueTypes[name] = bindType(declared);
        values[name] = value === null ? null : bindScalar(value as string, declared);
      }
    }
    return `CAST($${name} AS ${castType(declared)})`;
  });
  return { sql: rewritten, values, valueTypes };
}

/** DuckDB value → the warehouse row contract (see types.ts). */
export function toPlain(value: DuckDBValue): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new WarehouseError("Integer result exceeds the safe JavaScript range");
    }
    return Number(value);
  }
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    // Microseconds kept (the pipeline writes them): a value read back and compared with what is
    // stored — the write guard's MAX(attempted_at) — must be the very instant stored.
    return isoFromMicros(value.micros);
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue) return value.items.map(toPlain);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toPlain(v)]));
  }
  return String(value);
}

function appendValue(appender: DuckDBAppender, value: unknown, type: ColumnType): void {
  if (value === null || value === undefined) return appender.appendNull();
  if (Array.isArray(type)) {
    const items = (value as unknown[]).map((v) => bindScalar(v as string, type[0]));
    return appender.appendList(listValue(items), LIST(bindType(type[0])));
  }
  switch (type) {
    case "INT64":
      return appender.appendBigInt(bindScalar(value as number, "INT64") as bigint);
    case "FLOAT64":
    case "NUMERIC":
      return appender.appendDouble(Number(value));
    case "BOOL":
      return appender.appendBoolean(Boolean(value));
    default:
      return appender.appendVarchar(bindScalar(value as string, type) as string);
  }
}

/**
 * A tiny FIFO mutex. Every write (execute, transaction) runs under it, so a conditional write
 * (`INSERT … SELECT … WHERE <state still as previewed>`) cannot interleave with another one:
 * DuckDB's optimistic concurrency lets two concurrent appends both commit.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

function wrapError(error: unknown): never {
  if (error instanceof WarehouseError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  throw new WarehouseError("The embedded database could not run the query", { reason: message, cause: error });
}

export function createDuckDbWarehouse(options: DuckDbOptions): Warehouse {
  const poolSize = options.poolSize ?? 4;
  let opening: Promise<{ instance: DuckDBInstance; idle: DuckDBConnection[] }> | undefined;
  const waiters: ((c: DuckDBConnection) => void)[] = [];
  let created = 0;
  const writeLock = new Mutex();

  async function open() {
    const refused = opening ? null : (options.refuseOpen?.() ?? null);
    if (refused) throw new WarehouseError(refused);
    opening ??= (async () => {
      if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
      const instance = await DuckDBInstance.create(options.path).catch((e: unknown) => {
        opening = undefined;
        const msg = e instanceof Error ? e.message : String(e);
        const hint = /lock/i.test(msg)
          ? " Another process holds it: only one process may open the embedded database (stop it, or use the console's API)."
          : "";
        throw new WarehouseError(`Cannot open the embedded database at ${options.path}.${hint}`, { reason: msg });
      });
      const first = await newConnection(instance);
      if (options.onOpen) {
        await options.onOpen((sql) => first.run(sql));
        // Schema changes are checkpointed at once. DuckDB 1.5.6 cannot replay a write-ahead log
        // holding `ALTER TABLE … ADD COLUMN` on a table with a `DEFAULT CURRENT_TIMESTAMP`
        // column (the original reprocess_attempts.created_at): a process that altered such a
        // file and then stopped without a clean close would leave a file nobody can open.
        if (options.path !== ":memory:") await first.run("CHECKPOINT");
      }
      return { instance, idle: [first] };
    })();
    return opening;
  }

  async function newConnection(instance: DuckDBInstance) {
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    created++;
    return connection;
  }

  async function acquire(): Promise<DuckDBConnection> {
    const db = await open();
    const idle = db.idle.pop();
    if (idle) return idle;
    if (created < poolSize) return newConnection(db.instance);
    return new Promise((resolve) => waiters.push(resolve));
  }

  function release(connection: DuckDBConnection) {
    const waiter = waiters.shift();
    if (waiter) waiter(connection);
    else void open().then((db) => db.idle.push(connection));
  }

  async function withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await acquire();
    try {
      return await fn(connection);
    } finally {
      release(connection);
    }
  }

  const tableColumns = new Map<string, string[]>();

  /**
   * Rows through DuckDB's appender, inside the caller's transaction (measured: ~20x faster than
   * an INSERT … SELECT UNNEST of bound lists, and a ROLLBACK discards the appended rows). The
   * appender fills every column of the table in order: listed columns get their value (DuckDB
   * casts the text forms of DATE and TIMESTAMP on append), the others their DEFAULT.
   */
  async function append(connection: DuckDBConnection, statement: InsertStatement): Promise<ExecuteResult> {
    if (statement.rows.length === 0) return { affectedRows: 0 };
    const [schema, table] = statement.insert.split(".");
    if (!schema || !table) throw new WarehouseError(`Insert target must be dataset.table, got ${statement.insert}`);
    let order = tableColumns.get(statement.insert);
    if (!order) {
      const reader = await connection.runAndReadAll(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $s AND table_name = $t ORDER BY ordinal_position",
        { s: schema, t: table },
      );
      order = reader.getRows().map((r) => String(r[0]));
      if (order.length === 0) throw new WarehouseError(`No such table: ${statement.insert}`);
      tableColumns.set(statement.insert, order);
    }
    const unknown = Object.keys(statement.columns).filter((c) => !order.includes(c));
    if (unknown.length) throw new WarehouseError(`Unknown column(s) for ${statement.insert}: ${unknown.join(", ")}`);
    const appender = await connection.createAppender(table, schema);
    try {
      for (const row of statement.rows) {
        for (const column of order) {
          const type = statement.columns[column];
          if (type === undefined) appender.appendDefault();
          else appendValue(appender, (row as Record<string, unknown>)[column], type);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return { affectedRows: statement.rows.length };
  }

  async function run(connection: DuckDBConnection, sql: string, params?: QueryOptions["params"], types?: QueryOptions["types"]) {
    const bound = bindParams(sql, params, types);
    return connection.runAndReadAll(bound.sql, bound.values, bound.valueTypes);
  }

  const api: Warehouse = {
    kind: "embedded",
    async query<T extends Row = Row>(sql: string, opts: QueryOptions = {}): Promise<T[]> {
      try {
        return await withConnection(async (c) => {
          const reader = await run(c, sql, opts.params, opts.types);
          const names = reader.columnNames();
          return reader.getRows().map((values) => {
            const row: Row = {};
            names.forEach((name, i) => (row[name] = toPlain(values[i] ?? null)));
            return row as T;
          });
        });
      } catch (error) {
        wrapError(error);
      }
    },
    async execute(sql: string, opts: QueryOptions = {}): Promise<ExecuteResult> {
      try {
        return await writeLock.run(() =>
          withConnection(async (c) => ({ affectedRows: (await run(c, sql, opts.params, opts.types)).rowsChanged })),
        );
      } catch (error) {
        wrapError(error);
      }
    },
    async transaction(statements: Statement[], options: TransactionOptions = {}): Promise<ExecuteResult[]> {
      try {
        return await writeLock.run(() =>
          withConnection(async (c) => {
            await c.run("BEGIN TRANSACTION");
            try {
              if (options.guard) {
                // Holds until COMMIT: every write of this process runs under writeLock.
                const check = await run(c, options.guard.sql, options.guard.params, options.guard.types);
                if (check.getRows()[0]?.[0] !== true) throw new GuardFailedError();
              }
              const results: ExecuteResult[] = [];
              for (const s of statements) {
                results.push(isInsert(s) ? await append(c, s) : { affectedRows: (await run(c, s.sql, s.params, s.types)).rowsChanged });
              }
              await c.run("COMMIT");
              return results;
            } catch (error) {
              await c.run("ROLLBACK").catch(() => undefined);
              throw error;
            }
          }),
        );
      } catch (error) {
        wrapError(error);
      }
    },
    async insert(table, columns, rows) {
      const [result] = await api.transaction([{ insert: table, columns, rows }]);
      return result!;
    },
    async close() {
      if (!opening) return;
      const db = await opening.catch(() => undefined);
      opening = undefined;
      if (!db) return;
      for (const c of db.idle) c.closeSync();
      db.instance.closeSync();
      created = 0;
    },
  };
  return api;
}
