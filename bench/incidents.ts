/**
 * Incidents (lib/engine/incidents.ts) on a data set: the cold computation (nothing cached: every
 * key's cause and the live recheck read) and the warm one the overview pays while the data
 * version is unchanged (one version query, then the assembly in memory), with the warehouse calls
 * each makes. On the data set's file, with the console profile's deployment, at the current
 * time (breaker state read now, as the overview reads it).
 */
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { cachedIncidents, clearIncidentCache } from "@/lib/engine/incidents";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import { countingWarehouse } from "@/test/support/fixtures";

import type { DatasetInfo } from "./datasets";
import { type Timing, summarize } from "./stats";

export interface IncidentsMeasure {
  incidents: number;
  open: number;
  keys: number;
  unexplained: number;
  /** Nothing cached (each run starts from an empty cache). */
  cold: Timing;
  cold_queries: number;
  /** The data version unchanged: a later `now`, inputs reused. */
  warm: Timing;
  warm_queries: number;
}

export async function measureIncidents(info: DatasetInfo, runs: number): Promise<IncidentsMeasure> {
  const inner = createDuckDbWarehouse({ path: info.path, onOpen: applyEmbeddedSchema });
  const { wh, counts, reset } = countingWarehouse(inner);
  const ctx = { deployment: CONSOLE_DEPLOYMENT, calendar: info.plan.calendar };
  try {
    const cold: number[] = [];
    let coldQueries = 0;
    let last: Awaited<ReturnType<typeof cachedIncidents>> | undefined;
    const coldRuns = Math.max(1, Math.min(runs, 3));
    for (let i = 0; i < coldRuns; i++) {
      clearIncidentCache();
      reset();
      const started = performance.now();
      last = await cachedIncidents(wh, { ...ctx, now: new Date().toISOString() });
      cold.push(performance.now() - started);
      coldQueries = counts.query;
    }
    const warm: number[] = [];
    let warmQueries = 0;
    for (let i = 0; i < runs + 1; i++) {
      reset();
      const started = performance.now();
      const result = await cachedIncidents(wh, { ...ctx, now: new Date().toISOString() });
      if (!result.reused) throw new Error("incidents were recomputed although the data did not change");
      if (i > 0) warm.push(performance.now() - started); // the first warms up
      warmQueries = counts.query;
    }
    return {
      incidents: last!.incidents.length,
      open: last!.incidents.filter((i) => i.status === "open").length,
      keys: last!.incidents.reduce((s, i) => s + i.keys, 0),
      unexplained: last!.unexplained,
      cold: summarize(cold),
      cold_queries: coldQueries,
      warm: summarize(warm),
      warm_queries: warmQueries,
    };
  } finally {
    await inner.close();
  }
}
