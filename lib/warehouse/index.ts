import "server-only";

import { datasetMap, getEnv, type AppEnv } from "@/lib/env";

import { createBigQueryWarehouse } from "./bigquery";
import { databaseBuilding } from "./build-status";
import { createDuckDbWarehouse } from "./duckdb";
import { applyEmbeddedSchema } from "./schema";
import type { Warehouse } from "./types";

export type { Warehouse } from "./types";
export { WarehouseError } from "./types";

/** Build the adapter the configuration selects. The only place that knows both exist. */
export function createWarehouse(env: AppEnv): Warehouse {
  if (env.WAREHOUSE === "bigquery") {
    return createBigQueryWarehouse({
      projectId: env.BIGQUERY_PROJECT!,
      location: env.BIGQUERY_LOCATION,
      maximumBytesBilled: env.BIGQUERY_MAX_BYTES_BILLED,
      timeoutMs: env.BIGQUERY_JOB_TIMEOUT_MS,
      apiEndpoint: env.BIGQUERY_API_ENDPOINT,
      datasets: datasetMap(env),
    });
  }
  // The embedded database is created from the same BigQuery DDL files (sql/schema/).
  // Never opened while `npm start` builds the demo database into it (lib/warehouse/build-status.ts).
  return createDuckDbWarehouse({
    path: env.EMBEDDED_DB_PATH,
    onOpen: applyEmbeddedSchema,
    refuseOpen: () => (databaseBuilding(env.EMBEDDED_DB_PATH) ? "The demo database is still being built: the console opens it when the build is done" : null),
  });
}

// One warehouse per server process, kept on globalThis so that dev-mode module reloads do not
// open the DuckDB file twice (a second open of the same file fails on its lock).
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };

export function getWarehouse(): Warehouse {
  holder.__completenessWarehouse ??= createWarehouse(getEnv());
  return instrumented(holder.__completenessWarehouse);
}

// One instrumented wrapper per warehouse object (tests swap the one on globalThis).
const wrappers = new WeakMap<Warehouse, Warehouse>();

function instrumented(inner: Warehouse): Warehouse {
  let outer = wrappers.get(inner);
  if (!outer) wrappers.set(inner, (outer = instrumentWarehouse(inner)));
  return outer;
}

/**
 * Times one warehouse call under its label (`run` is the call). The metrics registry installs
 * one (lib/metrics/registry.ts) to count and time every call for GET /metrics; the warehouse
 * layer itself knows nothing of metrics. Kept on globalThis: Next bundles every route handler
 * separately, each with its own copy of this module, and one process must keep one timer.
 */
export type WarehouseCallTimer = <T>(label: string, run: () => Promise<T>) => Promise<T>;

const timerHolder = globalThis as typeof globalThis & { __completenessWarehouseTimer?: WarehouseCallTimer };

export function timeWarehouseCallsWith(timer: WarehouseCallTimer): void {
  timerHolder.__completenessWarehouseTimer = timer;
}

function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const timer = timerHolder.__completenessWarehouseTimer;
  return timer ? timer(label, run) : run();
}

/**
 * The same warehouse, passing every call to the installed timer (for GET /metrics:
 * `completeness_console_warehouse_queries_total{label,outcome}` and its duration histogram),
 * labelled by the query's `label` (its definition name), `insert:<table>`, or the kind of call.
 */
export function instrumentWarehouse(inner: Warehouse): Warehouse {
  return {
    kind: inner.kind,
    query: (sql, options) => timed(options?.label ?? "query", () => inner.query(sql, options)),
    execute: (sql, options) => timed(options?.label ?? "execute", () => inner.execute(sql, options)),
    transaction: (statements, options) => timed(options?.label ?? "transaction", () => inner.transaction(statements, options)),
    insert: (table, columns, rows) => timed(`insert:${table}`, () => inner.insert(table, columns, rows)),
    close: () => inner.close(),
  };
}
