import "server-only";

import { getEnv } from "@/lib/env";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";
import type { WarehouseKind } from "@/lib/warehouse/types";

export type WarehouseHealth =
  | { status: "ok"; warehouse: WarehouseKind; roundTripMs: number }
  | { status: "unavailable"; warehouse: WarehouseKind; reason: string };

/**
 * One round trip to the warehouse. Public by design (load balancers and probes call it), so it
 * says only the backend kind and a safe reason, never configuration or SQL.
 */
export async function getWarehouseHealth(): Promise<WarehouseHealth> {
  const warehouse = getEnv().WAREHOUSE;
  const started = performance.now();
  try {
    const rows = await getWarehouse().query<{ ok: number }>("SELECT 1 AS ok", { label: "health" });
    if (rows[0]?.ok !== 1) return { status: "unavailable", warehouse, reason: "The warehouse answered unexpectedly" };
    return { status: "ok", warehouse, roundTripMs: Math.round(performance.now() - started) };
  } catch (error) {
    const reason = error instanceof WarehouseError ? error.message : "The warehouse could not be reached";
    console.error("[health] warehouse check failed", error instanceof WarehouseError ? error.detail : error);
    return { status: "unavailable", warehouse, reason };
  }
}
