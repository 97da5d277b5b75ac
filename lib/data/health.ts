import "server-only";

import { getEnv } from "@/lib/env";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";
import { missingSchema } from "@/lib/warehouse/schema";
import type { Warehouse, WarehouseKind } from "@/lib/warehouse/types";

export type WarehouseHealth =
  | { status: "ok"; warehouse: WarehouseKind; roundTripMs: number }
  | { status: "unavailable"; warehouse: WarehouseKind; reason: string; missing?: { tables: string[]; columns: string[] } };

interface SchemaCheck {
  at: number;
  missing: { tables: string[]; columns: string[] };
}

const holder = globalThis as typeof globalThis & { __completenessPing?: Promise<WarehouseHealth>; __completenessSchema?: SchemaCheck };

/**
 * How long a schema check is trusted. Catalog reads are not free on BigQuery (one
 * INFORMATION_SCHEMA query per dataset, each billed its minimum) and probes come every few
 * seconds, so a complete schema is re-checked every 5 minutes; an incomplete one every 30 s,
 * so a fix (npm run schema:apply, a restored table) shows quickly.
 */
const SCHEMA_OK_TTL_MS = 5 * 60_000;
const SCHEMA_MISSING_TTL_MS = 30_000;

/**
 * One round trip to the warehouse: the overview's status line. Public by design (probes call
 * it through /api/health): it says only the backend kind and a safe reason, never
 * configuration or SQL. Simultaneous callers (50 people opening the overview, a probe) share
 * the one round trip in flight. Names no table, so BigQuery bills it nothing.
 */
export function getWarehouseHealth(): Promise<WarehouseHealth> {
  holder.__completenessPing ??= ping().finally(() => {
    holder.__completenessPing = undefined;
  });
  return holder.__completenessPing;
}

/**
 * `/api/health`: the round trip, then whether the warehouse holds every table and column the
 * console needs (those its DDL in sql/schema declares); when it does not, unavailable, naming
 * what is missing by logical name. A console that answers `SELECT 1` while every query fails
 * is not healthy.
 */
export async function getServiceHealth(): Promise<WarehouseHealth> {
  const health = await getWarehouseHealth();
  if (health.status !== "ok") return health;
  try {
    const missing = await schemaGaps(getWarehouse());
    if (missing.tables.length === 0 && missing.columns.length === 0) return health;
    const what = [...missing.tables.map((t) => `table ${t}`), ...missing.columns.map((c) => `column ${c}`)];
    return {
      status: "unavailable",
      warehouse: health.warehouse,
      reason: `The warehouse lacks what the console needs: ${what.slice(0, 10).join(", ")}${what.length > 10 ? `, and ${what.length - 10} more` : ""}`,
      missing,
    };
  } catch (error) {
    console.error("[health] schema check failed", error instanceof WarehouseError ? error.detail : error);
    return { status: "unavailable", warehouse: health.warehouse, reason: error instanceof WarehouseError ? error.message : "The warehouse's catalog could not be read" };
  }
}

async function ping(): Promise<WarehouseHealth> {
  const warehouse = getEnv().WAREHOUSE;
  const started = performance.now();
  try {
    const rows = await getWarehouse().query<{ ok: number }>("SELECT 1 AS ok", { label: "warehouse_ping" });
    if (rows[0]?.ok !== 1) return { status: "unavailable", warehouse, reason: "The warehouse answered unexpectedly" };
    return { status: "ok", warehouse, roundTripMs: Math.round(performance.now() - started) };
  } catch (error) {
    const reason = error instanceof WarehouseError ? error.message : "The warehouse could not be reached";
    console.error("[health] warehouse check failed", error instanceof WarehouseError ? error.detail : error);
    return { status: "unavailable", warehouse, reason };
  }
}

async function schemaGaps(wh: Warehouse): Promise<SchemaCheck["missing"]> {
  const cached = holder.__completenessSchema;
  const clean = cached && cached.missing.tables.length === 0 && cached.missing.columns.length === 0;
  if (cached && Date.now() - cached.at < (clean ? SCHEMA_OK_TTL_MS : SCHEMA_MISSING_TTL_MS)) return cached.missing;
  const missing = await missingSchema(wh);
  holder.__completenessSchema = { at: Date.now(), missing };
  return missing;
}
