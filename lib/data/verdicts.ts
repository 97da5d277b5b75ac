import "server-only";

import { type Actor, requireRole } from "@/lib/auth/session";
import { addDays, instantMicros } from "@/lib/completeness/dates";
import { type KeyVerdict, type VerdictInput, keyVerdict, verdictRank } from "@/lib/completeness/verdict";
import { isProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { evaluateVerdicts } from "@/lib/engine/verdicts";
import { incidentDataVersion } from "@/lib/queries/incidents";
import { type ActiveSqlFilters, type ActiveSummary, readActiveBreakersPage, readActiveBreakersSummary } from "@/lib/queries/monitoring";
import type { ActiveBreakersPage, ActiveListQuery } from "@/lib/monitoring/lists";
import type { ActiveBreakerRow, MonitoringParams, MonitoringRow, SafeFilter } from "@/lib/monitoring/schemas";
import { limitOffset } from "@/lib/paging";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";

import { getSeasonCalendar } from "./calendar";
import { getDeployment } from "./deployment";
import { type MonitoringRead, getMonitoring, listCacheKey, readAtEvaluationPoint } from "./monitoring";

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


// ---------------------------------------------------------------------------------------------
// A page of the Active list

export type ActiveBreakersPageRead = ActiveBreakersPage & { read_at: string; stale?: true; error?: string };

function sqlFilters(query: Pick<ActiveListQuery, "processor" | "date" | "reason" | "q">): ActiveSqlFilters {
  return { processor: query.processor, date: query.date, reason: query.reason, q: query.q };
}

/** Whether the page can be cut in the warehouse: not when it is sorted or filtered by verdict, which only the live recheck knows. */
function pagedInWarehouse(query: Pick<ActiveListQuery, "sort" | "safe">): boolean {
  return query.sort !== "verdict" && !query.safe;
}

/** The active keys' verdicts at a read's `now` and whether they failed: every active key's, read once per result (verdictsOf). */
async function activeVerdicts(params: MonitoringParams, actor: Actor | null | undefined): Promise<{ verdicts: Map<string, KeyVerdict> | null; error?: string; now: string }> {
  const result = await getMonitoring("active-breakers", params, actor);
  try {
    return { verdicts: await verdictsOf(result), now: result.now };
  } catch (error) {
    console.error("[verdicts] the live recheck of the active breakers failed", error instanceof WarehouseError ? error.detail : error);
    return { verdicts: null, error: error instanceof WarehouseError ? error.message : "The live recheck could not be made", now: result.now };
  }
}

const verdictOf = (verdicts: Map<string, KeyVerdict> | null, r: { processor: string; entity_id: string; analysis_date: string }) =>
  verdicts?.get(`${r.processor}|${r.entity_id}|${r.analysis_date}`) ?? null;

/** By verdict (safe first; no verdict last in either direction), then by key. */
function byVerdict(desc: boolean) {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return (a: ActiveBreakerRow, b: ActiveBreakerRow) => {
    const ra = verdictRank(a.verdict);
    const rb = verdictRank(b.verdict);
    const none = (a.verdict === null ? 1 : 0) - (b.verdict === null ? 1 : 0);
    return (
      none ||
      (desc ? rb - ra : ra - rb) ||
      text(a.processor, b.processor) ||
      text(a.entity_id, b.entity_id) ||
      text(a.analysis_date, b.analysis_date)
    );
  };
}

/**
 * Every active key the filters select, with its verdict, in the list's order: what a page sorted
 * or filtered by verdict is cut from, and what its CSV writes. The verdict is the live recheck's
 * (not in the warehouse), so this reads every selected key's row (key, trip and notes: about
 * 300 bytes each, a few thousand on a bad night) and looks its verdict up among the active
 * keys' (verdictsOf: one evaluation per result, each key's data once per data version). Only
 * the page leaves the server.
 */
async function selectByVerdict(query: Omit<ActiveListQuery, "page" | "page_size">, now: string, verdicts: Map<string, KeyVerdict> | null, summary: ActiveSummary): Promise<ActiveBreakerRow[]> {
  const rows = await readActiveBreakersPage(getWarehouse(), now, sqlFilters(query), { sort: "tripped_at", dir: "desc" }, Math.max(summary.selected, 1), 0);
  const withVerdicts = rows.map((r) => ({ ...r, verdict: verdictOf(verdicts, r) }));
  const kept = filterBySafe(withVerdicts, query.safe);
  return query.sort === "verdict" ? kept.sort(byVerdict(query.dir === "desc")) : kept;
}

/**
 * One page of the active breakers, each with its verdict, filtered and sorted in the warehouse,
 * with what the panel shows about the whole list: active keys before filtering, the keys the
 * filters select, the date and skip-reason facets (one GROUP BY), and how many active keys are
 * safe to override now.
 *
 * Cost: the page and the summary are two queries, cached per request like every monitoring read.
 * The verdicts come from the live recheck of every active key (the safe count in the heading
 * counts them all), evaluated once per cached read of the active keys and each key's upstream
 * data once per data version (verdictsOf), never sent: a page carries its rows' verdicts only.
 * Sorted or filtered by verdict, the page is cut from every selected key's row (selectByVerdict).
 * Viewer or above.
 */
export async function getActiveBreakersPage(query: ActiveListQuery, params: MonitoringParams = {}, actor?: Actor | null): Promise<ActiveBreakersPageRead> {
  await requireRole("viewer", actor);
  const verdictRead = await activeVerdicts(params, actor);
  const { verdicts } = verdictRead;
  const read = await readAtEvaluationPoint(`active-breakers-page|${listCacheKey(query)}`, params, async ({ now }) => {
    const wh = getWarehouse();
    const filters = sqlFilters(query);
    const { limit, offset } = limitOffset(query);
    const summary = await readActiveBreakersSummary(wh, now, filters);
    if (!pagedInWarehouse(query)) return { summary, rows: null };
    const sort = query.sort as Exclude<ActiveListQuery["sort"], "verdict">;
    return { summary, rows: await readActiveBreakersPage(wh, now, filters, { sort, dir: query.dir }, limit, offset) };
  });
  const { summary } = read;
  let rows: ActiveBreakerRow[];
  let total = summary.selected;
  if (read.rows) {
    rows = read.rows.map((r) => ({ ...r, verdict: verdictOf(verdicts, r) }));
  } else {
    const selected = await selectByVerdict(query, read.now, verdicts, summary);
    const { limit, offset } = limitOffset(query);
    rows = selected.slice(offset, offset + limit);
    total = selected.length;
  }
  let safe = 0;
  for (const v of verdicts?.values() ?? []) if (v.safe) safe += 1;
  return {
    as_of: read.as_of,
    now: read.now,
    read_at: read.read_at,
    rows,
    page: query.page,
    page_size: query.page_size,
    total,
    all: summary.all,
    safe,
    facets: { dates: summary.dates, reasons: summary.reasons },
    ...(verdictRead.error ? { verdict_error: verdictRead.error } : {}),
    ...(read.stale ? { stale: true as const, error: read.error } : {}),
  };
}

/**
 * Every active key the filters select, with its verdict, in the list's order, `chunk` rows per
 * query at one evaluation point: what the CSV export streams. Viewer or above (checked before
 * the first read).
 */
export async function* activeBreakerRows(
  query: Omit<ActiveListQuery, "page" | "page_size">,
  params: { as_of: string; now: string },
  actor?: Actor | null,
  chunk = 1_000,
): AsyncGenerator<ActiveBreakerRow[]> {
  await requireRole("viewer", actor);
  const { verdicts } = await activeVerdicts(params, actor);
  const wh = getWarehouse();
  if (!pagedInWarehouse(query)) {
    const summary = await readActiveBreakersSummary(wh, params.now, sqlFilters(query));
    const selected = await selectByVerdict(query, params.now, verdicts, summary);
    for (let i = 0; i < selected.length; i += chunk) yield selected.slice(i, i + chunk);
    return;
  }
  const sort = query.sort as Exclude<ActiveListQuery["sort"], "verdict">;
  for (let offset = 0; ; offset += chunk) {
    const rows = await readActiveBreakersPage(wh, params.now, sqlFilters(query), { sort, dir: query.dir }, chunk, offset);
    if (rows.length > 0) yield rows.map((r) => ({ ...r, verdict: verdictOf(verdicts, r) }));
    if (rows.length < chunk) return;
  }
}
