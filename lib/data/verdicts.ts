import "server-only";

import { type Actor, requireRole } from "@/lib/auth/session";
import { addDays, instantMicros } from "@/lib/completeness/dates";
import { type KeyVerdict, type VerdictInput, keyVerdict } from "@/lib/completeness/verdict";
import { isProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { evaluateVerdicts } from "@/lib/engine/verdicts";
import { incidentDataVersion } from "@/lib/queries/incidents";
import type { ActiveBreakerRow, MonitoringParams, MonitoringRow, SafeFilter } from "@/lib/monitoring/schemas";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";

import { getSeasonCalendar } from "./calendar";
import { getDeployment } from "./deployment";
import { type MonitoringRead, getMonitoring } from "./monitoring";

/**
 * The active breakers with each key's verdict ("safe to override now", or what is missing): the
 * Active list, the active-breakers API and the CLI read this, never the monitoring rows alone.
 *
 * The verdicts are the engine's (one evaluation per (processor, analysis date) among the keys, at
 * the result's `now`), reused as described below. When the live recheck
 * fails, the rows are served with `verdict: null` and the failure is logged and reported as
 * `verdict_error` (the list itself does not depend on it).
 */

export type ActiveBreakersRead = Omit<MonitoringRead<"active-breakers">, "rows"> & {
  rows: ActiveBreakerRow[];
  /** Set when the verdicts could not be computed (rows then carry `verdict: null`). */
  verdict_error?: string;
};

/**
 * Two levels of reuse, both per process (on globalThis: one process, several bundles):
 * - per monitoring result (its rows array, shared while the monitoring cache keeps it): the rows'
 *   verdicts, so concurrent and repeated reads of one result evaluate once;
 * - per data version: what each key's data holds (own windows, upstreams, games missing). That
 *   part reads only the upstream tables and the processors' outputs, never the breaker rows, so
 *   an override (which changes only breaker rows) or a later `now` re-evaluates no key whose
 *   upstream data is unchanged; only keys not yet evaluated are. The version is the row counts
 *   and latest write instants of those sources (the incidents' fingerprint query without its
 *   breaker-row line), one cheap query per read.
 */
interface DataEntry {
  slot: string;
  version: string;
  inputs: Map<string, Omit<VerdictInput, "status">>;
}
const processWide = globalThis as typeof globalThis & {
  __verdictCache?: { byResult: WeakMap<object, Promise<Map<string, KeyVerdict>>>; data: DataEntry | null };
};
processWide.__verdictCache ??= { byResult: new WeakMap(), data: null };
const verdictCache = processWide.__verdictCache;

/** Upstream rows read before the earliest analysis date: the longest window (30 days, or 15 games). */
const GAMES_LOOKBACK_DAYS = 45;

function keysOf(rows: readonly MonitoringRow<"active-breakers">[]): BreakerKeyRef[] {
  return rows.flatMap((r) => (isProcessorName(r.processor) ? [{ processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date }] : []));
}

async function dataVersion(keys: readonly BreakerKeyRef[], now: string): Promise<string | null> {
  const dates = keys.map((k) => k.analysis_date).sort();
  let rows;
  try {
    rows = await incidentDataVersion.run(getWarehouse(), {
      date_from: dates[0]!,
      date_to: dates.at(-1)!,
      games_from: addDays(dates[0]!, -GAMES_LOOKBACK_DAYS),
    });
  } catch (error) {
    // Only reuse depends on it: without a version every key is evaluated.
    console.error("[verdicts] the data version could not be read; evaluating every key", error instanceof WarehouseError ? error.detail : error);
    return null;
  }
  const sources = rows.filter((r) => r.source !== "reprocess_attempts").sort((a, b) => (a.source < b.source ? -1 : 1));
  // A row stamped after `now` is not visible at `now` but would be at a later one: no reuse then.
  if (sources.some((r) => r.last_at !== null && instantMicros(r.last_at) > instantMicros(now))) return null;
  return sources.map((r) => `${r.source}:${r.row_count}:${r.last_at ?? ""}`).join(",");
}

/** The rows' keys are active at the result's `now` (the query's definition), so each verdict is the active one. */
async function computeVerdicts(result: MonitoringRead<"active-breakers">): Promise<Map<string, KeyVerdict>> {
  const keys = keysOf(result.rows);
  if (keys.length === 0) return new Map();
  const deployment = getDeployment();
  const calendar = getSeasonCalendar();
  const slot = JSON.stringify([deployment, calendar]);
  const version = await dataVersion(keys, result.now);
  const entry: DataEntry =
    version !== null && verdictCache.data?.slot === slot && verdictCache.data.version === version
      ? verdictCache.data
      : { slot, version: version ?? "", inputs: new Map() };
  const missing = keys.filter((k) => !entry.inputs.has(keyString(k)));
  if (missing.length) {
    const { inputs } = await evaluateVerdicts(getWarehouse(), missing, { now: result.now, deployment, calendar });
    for (const [id, { status: _status, ...data }] of inputs) entry.inputs.set(id, data);
  }
  if (version !== null) verdictCache.data = entry;
  const verdicts = new Map<string, KeyVerdict>();
  for (const k of keys) {
    const data = entry.inputs.get(keyString(k));
    if (data) verdicts.set(keyString(k), keyVerdict({ status: "active", ...data }));
  }
  return verdicts;
}

function verdictsOf(result: MonitoringRead<"active-breakers">): Promise<Map<string, KeyVerdict>> {
  const hit = verdictCache.byResult.get(result.rows);
  if (hit) return hit;
  const promise = computeVerdicts(result);
  verdictCache.byResult.set(result.rows, promise);
  // Failures are not kept: the next read tries again.
  promise.catch(() => verdictCache.byResult.delete(result.rows));
  return promise;
}

/** Only the rows whose verdict matches `safe` (rows without a verdict match neither). */
export function filterBySafe<T extends { verdict: KeyVerdict | null }>(rows: readonly T[], safe: SafeFilter | undefined): T[] {
  if (!safe) return [...rows];
  return rows.filter((r) => r.verdict !== null && r.verdict.safe === (safe === "yes"));
}

/** The active breakers at `as_of` / `now`, each with its verdict. Viewer or above. */
export async function getActiveBreakers(params: MonitoringParams = {}, actor?: Actor | null): Promise<ActiveBreakersRead> {
  await requireRole("viewer", actor);
  const result = await getMonitoring("active-breakers", params, actor);
  let verdicts: Map<string, KeyVerdict> | null = null;
  let verdictError: string | undefined;
  try {
    verdicts = await verdictsOf(result);
  } catch (error) {
    console.error("[verdicts] the live recheck of the active breakers failed", error instanceof WarehouseError ? error.detail : error);
    verdictError = error instanceof WarehouseError ? error.message : "The live recheck could not be made";
  }
  const rows = result.rows.map((r) => ({
    ...r,
    verdict: verdicts?.get(`${r.processor}|${r.entity_id}|${r.analysis_date}`) ?? null,
  }));
  return { ...result, rows, ...(verdictError ? { verdict_error: verdictError } : {}) };
}

