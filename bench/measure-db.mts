/**
 * One data set's in-process measures, run in a child process of bench/run.mts (the data layer
 * reads its configuration once per process, and the DuckDB file must be closed again before the
 * console server opens it):
 *
 * - floor: each monitoring query's SQL run directly on the embedded adapter (our DuckDB
 *   adapter: parameter binding and value normalization, no zod, no cache), and the nine run in
 *   parallel — the engine floor the page is compared with;
 * - data layer: `getMonitoring` (lib/data/monitoring.ts) for each query with the cache off
 *   (CACHE_TTL_SECONDS=0): role check, query definition, zod validation of every row;
 * - the overview's reads through the data layer as the page makes them: data-as-of, then
 *   health (alerts), health, readiness and trends in parallel.
 *
 * Usage (from run.mts): EMBEDDED_DB_PATH=<file> CACHE_TTL_SECONDS=0 WAREHOUSE=embedded
 *   tsx --conditions=react-server bench/measure-db.mts <out.json> <runs>
 */
import { writeFileSync } from "node:fs";

import { MONITORING_QUERY_NAMES, type MonitoringQueryName } from "@/lib/monitoring/schemas";
import { latestOutputDate, runMonitoringQuery } from "@/lib/queries/monitoring";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { QueryOptions, Warehouse } from "@/lib/warehouse/types";
import { getAlerts, getDataAsOf, getMonitoring, getSeasonCalendar } from "@/lib/data/monitoring";
import type { Actor } from "@/lib/auth/session";

import type { DbMeasure, QueryMeasure } from "./report";
import { repeat, summarize } from "./stats";

const [outFile, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 5);
const dbPath = process.env.EMBEDDED_DB_PATH!;

const wh = createDuckDbWarehouse({ path: dbPath, onOpen: applyEmbeddedSchema });
// The data layer's warehouse is the one on globalThis (lib/warehouse/index.ts): share this one.
(globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse }).__completenessWarehouse = wh;

/** Records the SQL and parameters of the calls made through it, by label. */
const recorded = new Map<string, { sql: string; options: QueryOptions | undefined }>();
const recorder: Warehouse = {
  ...wh,
  kind: wh.kind,
  query: (sql, options) => {
    recorded.set(options?.label ?? sql, { sql, options });
    return wh.query(sql, options);
  },
  execute: (sql, options) => wh.execute(sql, options),
  transaction: (statements, options) => wh.transaction(statements, options),
  insert: (table, columns, rows) => wh.insert(table, columns, rows),
  close: () => wh.close(),
};

const actor: Actor = { name: "bench", role: "viewer", via: "session" };

try {
  await wh.query("SELECT 1 AS ok");
  const now = new Date().toISOString();
  const asOf = (await latestOutputDate(recorder, now)) ?? now.slice(0, 10);
  const ctx = { as_of: asOf, now, calendar: getSeasonCalendar() };

  // Capture each query's SQL and parameters as the app makes them (one query each; this also
  // warms the file's pages).
  const calls = new Map<MonitoringQueryName, { sql: string; options: QueryOptions | undefined }>();
  for (const name of MONITORING_QUERY_NAMES) {
    recorded.clear();
    await runMonitoringQuery(recorder, name, ctx);
    calls.set(name, [...recorded.values()][0]!);
  }
  recorded.clear();
  await latestOutputDate(recorder, now);
  const dataAsOfCall = [...recorded.values()][0]!;

  const raw = (call: { sql: string; options: QueryOptions | undefined }) => wh.query(call.sql, call.options);
  const queries: QueryMeasure[] = [];
  for (const name of MONITORING_QUERY_NAMES) {
    const call = calls.get(name)!;
    const rows = await raw(call);
    const floor = summarize(await repeat(RUNS, () => raw(call)));
    const dataLayer = summarize(await repeat(RUNS, () => getMonitoring(name, { as_of: asOf, now }, actor)));
    queries.push({ name, rows: rows.length, json_bytes: Buffer.byteLength(JSON.stringify(rows)), floor, data_layer: dataLayer });
  }
  {
    const rows = await raw(dataAsOfCall);
    const floor = summarize(await repeat(RUNS, () => raw(dataAsOfCall)));
    const dataLayer = summarize(await repeat(RUNS, () => getDataAsOf(now, actor)));
    queries.push({ name: "data-as-of", rows: rows.length, json_bytes: Buffer.byteLength(JSON.stringify(rows)), floor, data_layer: dataLayer });
  }

  const floorParallel = summarize(await repeat(RUNS, () => Promise.all(MONITORING_QUERY_NAMES.map((n) => raw(calls.get(n)!)))));
  // The overview's own queries on the adapter, in the page's order: data as of, then the three panels' queries together.
  const overviewFloor = summarize(
    await repeat(RUNS, async () => {
      await raw(dataAsOfCall);
      await Promise.all((["health", "readiness", "trends"] as const).map((n) => raw(calls.get(n)!)));
    }),
  );
  const overview = summarize(
    await repeat(RUNS, async () => {
      await getDataAsOf(undefined, actor);
      await Promise.all([getAlerts({}, actor), getMonitoring("health", {}, actor), getMonitoring("readiness", {}, actor), getMonitoring("trends", {}, actor)]);
    }),
  );
  const result: DbMeasure = { as_of: asOf, now, queries, floor_parallel: floorParallel, overview_floor: overviewFloor, overview_data_layer: overview };
  writeFileSync(outFile!, JSON.stringify(result, null, 2));
} finally {
  await wh.close();
}
