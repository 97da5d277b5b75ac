import "server-only";

import { getEnv } from "@/lib/env";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";
import type { WarehouseKind } from "@/lib/warehouse/types";

export type WarehouseHealth =
  | { status: "ok"; warehouse: WarehouseKind; roundTripMs: number }
  | { status: "unavailable"; warehouse: WarehouseKind; reason: string };

const holder = globalThis as typeof globalThis & { __completenessPing?: Promise<WarehouseHealth> };

/**
 * One round trip to the warehouse. Public by design (load balancers and probes call it), so it
 * says only the backend kind and a safe reason, never configuration or SQL. Simultaneous callers
 * (50 people opening the overview, a probe) share the one round trip in flight.
 */
export function getWarehouseHealth(): Promise<WarehouseHealth> {
  holder.__completenessPing ??= ping().finally(() => {
    holder.__completenessPing = undefined;
  });
  return holder.__completenessPing;
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
