import "server-only";

import { cache } from "react";

import { type Alert, type AlertThresholds, evaluateAlerts } from "@/lib/completeness/alerts";
import { type IsoDate, addDays, addDaysToInstant, isIsoDate, toIsoInstant } from "@/lib/completeness/dates";
import { type Actor, requireRole } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { onWrite } from "@/lib/engine/data-version";
import { type AlertLink, alertLinks } from "@/lib/monitoring/alert-links";
import { toProcessorHealth } from "@/lib/monitoring/processor-health";
import {
  MONITORING_QUERY_NAMES,
  type MonitoringParams,
  type MonitoringQueryName,
  type MonitoringResult,
  type MonitoringRow,
  monitoringParams,
  monitoringRows,
} from "@/lib/monitoring/schemas";
import { type BreakerHistoryPage, type BreakerTrend, type HistoryListQuery, type HistoryRow, breakerTrendDays } from "@/lib/monitoring/lists";
import { latestOutputDate, readBreakerHistoryPage, readBreakerHistorySummary, readBreakerTrend, runMonitoringQuery } from "@/lib/queries/monitoring";
import { limitOffset } from "@/lib/paging";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";

import { getSeasonCalendar } from "./calendar";

/**
 * The monitoring reads: the data-access layer that pages and the JSON API call, never the
 * warehouse directly.
 *
 * - Evaluation points: `as_of` (a date) defaults to "data as of", the latest date the pipeline
 *   evaluated — wrote output for, or recorded a skip for (itself one cheap cached query); `now` (an instant) defaults to the
 *   current time ROUNDED DOWN to the cache TTL (to the minute with the default 60 s). Without
 *   the rounding every request would carry a different `now`, so no two requests could share a
 *   cache entry; with it, everyone in the same TTL slot asks the same question. The cost: the
 *   default view of breaker state is up to one TTL old (a trip written 30 s ago appears at the
 *   next slot), which is what any cache of it would show anyway.
 * - Cache: per process, keyed by query + resolved parameters, for CACHE_TTL_SECONDS (default
 *   60; 0 disables reuse). In-flight reads are shared: identical concurrent requests await the
 *   same warehouse query, so a hundred people opening the overview cost the warehouse what one
 *   does. Failures are not cached. Entries are bounded (expired ones are swept; the oldest go
 *   first beyond the bound). Replicas each keep their own cache: BigQuery's result cache
 *   answers the repeated query (no CURRENT_DATE() in the SQL, and identical parameters).
 * - Stale on error: when the warehouse fails, the last good result of the same request (same
 *   name and same requested as_of/now, "latest"/"current" when defaulted) is returned with
 *   `stale: true` and a safe error message; with none, the error is thrown.
 * - Rows are validated against the contract (lib/monitoring/schemas.ts), which also strips
 *   anything beyond its fields. Results are shared between callers: treat them as read-only.
 * - Wrapped in React `cache()` so one server render asking twice reads once; the per-process
 *   cache underneath is what spans requests.
 */

export type MonitoringRead<N extends MonitoringQueryName> = MonitoringResult<N> & {
  /** When the warehouse was read (ISO 8601 UTC); older than the request when cached. */
  read_at: string;
  /** Set when the warehouse failed and this is the last good result. */
  stale?: true;
  /** The safe message of that failure. */
  error?: string;
};

export function isMonitoringQueryName(value: string): value is MonitoringQueryName {
  return (MONITORING_QUERY_NAMES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Parameters

export type MonitoringParamField = "as_of" | "now";

/** A bad `as_of` or `now`: the API answers 400 naming `field`. */
export class MonitoringParamError extends Error {
  constructor(
    readonly field: MonitoringParamField,
    message: string,
  ) {
    super(message);
    this.name = "MonitoringParamError";
  }
}

export type ParsedMonitoringParams =
  | { ok: true; params: MonitoringParams }
  | { ok: false; field: MonitoringParamField; error: string };

/**
 * `?as_of=YYYY-MM-DD&now=<ISO 8601>` from raw values (an empty value counts as absent), with
 * the contract's schema plus what a regex cannot check: a real calendar date (no 2024-02-30).
 * `now` is normalized to UTC with milliseconds.
 */
const MIN_DATE = "2000-01-01";
const MAX_DATE = "2100-12-31";

export function parseMonitoringParams(raw: { as_of?: string | null; now?: string | null }): ParsedMonitoringParams {
  const input = {
    as_of: raw.as_of === null || raw.as_of === "" ? undefined : raw.as_of,
    now: raw.now === null || raw.now === "" ? undefined : raw.now,
  };
  const parsed = monitoringParams.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field: MonitoringParamField = issue.path[0] === "now" ? "now" : "as_of";
    return { ok: false, field, error: `${field} ${issue.message}` };
  }
  const { as_of, now } = parsed.data;
  if (as_of !== undefined && !isIsoDate(as_of)) return { ok: false, field: "as_of", error: "as_of must be a calendar date YYYY-MM-DD" };
  // The pipeline's years only: date arithmetic on year 1 or 9999 fails in the warehouse (a 5xx
  // for a client's mistake).
  if (as_of !== undefined && (as_of < MIN_DATE || as_of > MAX_DATE)) return { ok: false, field: "as_of", error: `as_of must be between ${MIN_DATE} and ${MAX_DATE}` };
  let nowIso: string | undefined;
  if (now !== undefined) {
    try {
      nowIso = toIsoInstant(now);
    } catch {
      return { ok: false, field: "now", error: "now must be an ISO 8601 timestamp" };
    }
    if (nowIso.slice(0, 10) < MIN_DATE || nowIso.slice(0, 10) > MAX_DATE) return { ok: false, field: "now", error: `now must be between ${MIN_DATE} and ${MAX_DATE}` };
  }
  return { ok: true, params: { as_of, now: nowIso } };
}

function ttlMs(): number {
  return getEnv().CACHE_TTL_SECONDS * 1000;
}

/** The default `now`: the current instant rounded down to the cache TTL (see the module comment). */
export function defaultNow(at: number = Date.now()): string {
  const ttl = ttlMs();
  const rounded = ttl > 0 ? at - (at % ttl) : at;
  // Never before this process's last write: an override must leave "active breakers" at once,
  // not when the rounded `now` catches up with it. (Other replicas see it within the TTL.)
  // Never before this process started either: every write committed before a restart happened
  // before that instant, and the old process's last write time was lost with it.
  // (A clock before the start — a pinned past time — has no such floor.)
  const floor = Math.max(state.lastWriteAt, state.startedAt <= at ? state.startedAt : 0);
  return new Date(Math.max(rounded, Math.min(floor, at))).toISOString();
}

/**
 * A write was applied: forget every cached read, and let the default `now` include the write.
 * Told by lib/engine/data-version.ts, which the authorized-action helper notes each successful
 * write with.
 */
onWrite((at) => {
  state.lastWriteAt = Math.max(state.lastWriteAt, at);
  clearMonitoringCache();
});

// ---------------------------------------------------------------------------------------------
// The per-process cache

const MAX_ENTRIES = 500;
const MAX_LAST_GOOD = 200;

interface Entry {
  promise: Promise<unknown>;
  /** Infinity while in flight. */
  expiresAt: number;
}

// Kept on globalThis: Next bundles route handlers, pages and server actions separately, each
// with its own copy of this module; one process must share one cache (and one "last write"),
// or a write made by a server action would not invalidate what the API serves.
const processWide = globalThis as typeof globalThis & {
  __monitoringCache?: { entries: Map<string, Entry>; lastGood: Map<string, unknown>; lastWriteAt: number; startedAt: number };
};
processWide.__monitoringCache ??= { entries: new Map(), lastGood: new Map(), lastWriteAt: 0, startedAt: Date.now() };
const state = processWide.__monitoringCache;
state.startedAt ??= Date.now(); // an object left by an older copy of this module (development reloads)
const entries = state.entries;
const lastGood = state.lastGood;

/** The value for `key`: a fresh or in-flight entry's, else `load()`'s (shared until it settles + TTL). */
function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = entries.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.promise as Promise<T>;
  const entry: Entry = { promise: load(), expiresAt: Infinity };
  entries.set(key, entry);
  entry.promise.then(
    () => {
      entry.expiresAt = Date.now() + ttlMs();
    },
    () => {
      // Failures are not reused: the next request tries the warehouse again.
      if (entries.get(key) === entry) entries.delete(key);
    },
  );
  if (entries.size > MAX_ENTRIES) sweep();
  return entry.promise as Promise<T>;
}

function sweep(): void {
  const now = Date.now();
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  for (const key of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(key);
  }
}

function remember(key: string, value: unknown): void {
  lastGood.delete(key);
  lastGood.set(key, value);
  if (lastGood.size > MAX_LAST_GOOD) lastGood.delete(lastGood.keys().next().value!);
}

/** Empty the cache and the last good results (tests; an operator tool after a data repair). */
export function clearMonitoringCache(): void {
  entries.clear();
  lastGood.clear();
}

/**
 * Whether `error` is a WarehouseError (or a subclass). `instanceof` alone is not enough in the
 * built app: Next bundles pages and route handlers separately, each with its own copy of the
 * class, while the one warehouse of the process — and so the errors it throws — is created by
 * whichever bundle asked first (lib/warehouse/index.ts keeps it on globalThis). A page reading
 * through a warehouse that the health route created would otherwise show the generic message.
 */
function isWarehouseError(error: unknown): error is WarehouseError {
  if (error instanceof WarehouseError) return true;
  return (
    error instanceof Error &&
    (error.name === "WarehouseError" || error.name === "GuardFailedError") &&
    typeof (error as { detail?: unknown }).detail === "object"
  );
}

/** A message safe to show: the warehouse's own safe message, else a generic one. The detail goes to the log. */
function safeMessage(error: unknown): string {
  return isWarehouseError(error) ? error.message : "The monitoring data could not be read";
}

function logFailure(what: string, error: unknown): void {
  console.error(`[monitoring] ${what} failed`, isWarehouseError(error) ? { message: error.message, ...error.detail } : error);
}

/**
 * `read()` through the cache under `cacheKey`; on failure, the last good value of `requestKey`
 * marked stale, else the error.
 */
async function readThrough<T extends object>(
  requestKey: string,
  cacheKey: () => Promise<string>,
  read: () => Promise<T>,
): Promise<T & { stale?: true; error?: string }> {
  try {
    const value = await shared(await cacheKey(), read);
    remember(requestKey, value);
    return value;
  } catch (error) {
    logFailure(requestKey, error);
    const last = lastGood.get(requestKey) as T | undefined;
    if (last) return { ...last, stale: true, error: safeMessage(error) };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface DataAsOf {
  /** The latest date the pipeline evaluated (output or skip attempts), or null when none is in range. */
  as_of: IsoDate | null;
  read_at: string;
  stale?: true;
  error?: string;
}

/**
 * "Data as of": the latest date the pipeline evaluated up to today (UTC) — or up to the date of
 * `now` when given: a date with processor output, or with skip attempts in reprocess_attempts
 * (the Python processors write no output for the entities they skip, so on a night they skip
 * everything the date is known only from its attempts). Looked for in the last 400 days'
 * partitions first (see latestOutputDate). Cached like the monitoring reads (one query per TTL,
 * per process). With a `now` in the past, rows written after it still count (the written-at
 * columns are not read: they would make this cheap query read more columns).
 */
export async function getDataAsOf(now?: string, actor?: Actor | null): Promise<DataAsOf> {
  await requireRole("viewer", actor);
  return readDataAsOf(now === undefined ? defaultNow() : toIsoInstant(now), now === undefined);
}

function readDataAsOf(now: string, defaulted: boolean): Promise<DataAsOf> {
  const today = now.slice(0, 10);
  return readThrough(
    defaulted ? "data_as_of|current" : `data_as_of|${today}`,
    async () => `data_as_of|${today}`,
    async () => ({ as_of: await latestOutputDate(getWarehouse(), now), read_at: new Date().toISOString() }),
  );
}

/**
 * A read at an evaluation point through the process cache, stale-on-error: `as_of` defaults to
 * data-as-of (yesterday when there is no output at all in range, so every query still answers,
 * with empty rows), `now` to the rounded current time. `read` gets the point resolved.
 */
async function readAtPoint<T extends object>(
  name: string,
  params: { as_of?: string; now?: string },
  read: (at: { as_of: IsoDate; now: string }) => Promise<T>,
): Promise<T & { stale?: true; error?: string }> {
  const parsed = parseMonitoringParams({ as_of: params.as_of, now: params.now });
  if (!parsed.ok) throw new MonitoringParamError(parsed.field, parsed.error);
  const { as_of: requestedAsOf, now: requestedNow } = parsed.params;
  const now = requestedNow ?? defaultNow();
  let asOf = requestedAsOf;
  return readThrough(
    `${name}|${requestedAsOf ?? "latest"}|${requestedNow ?? "current"}`,
    async () => {
      asOf ??= (await readDataAsOf(now, requestedNow === undefined)).as_of ?? addDays(now.slice(0, 10), -1);
      return `${name}|${asOf}|${now}`;
    },
    () => read({ as_of: asOf!, now }),
  );
}

// Authorization is checked by the public entry points (getMonitoring, getDataAsOf, getAlerts)
// on every call, before this shared cache is consulted.
async function readMonitoring(name: MonitoringQueryName, asOfParam: string | undefined, nowParam: string | undefined): Promise<MonitoringRead<MonitoringQueryName>> {
  return readAtPoint(name, { as_of: asOfParam, now: nowParam }, async ({ as_of, now }) => {
    const rows = await runMonitoringQuery(getWarehouse(), name, { as_of, now, calendar: getSeasonCalendar() });
    const schema = monitoringRows[name];
    return {
      as_of,
      now,
      read_at: new Date().toISOString(),
      rows: rows.map((row) => schema.parse(row)) as MonitoringRow<MonitoringQueryName>[],
    };
  });
}

// React cache() memoizes per server request by argument identity, so it gets primitives.
const readMonitoringOncePerRequest = cache(readMonitoring);

/**
 * A read beside the nine monitoring queries (the trip rate) at the same evaluation points, with
 * the same process cache and stale-on-error (readAtPoint). The caller checks the role first.
 */
export async function readAtEvaluationPoint<T extends object>(
  name: string,
  params: MonitoringParams,
  read: (at: { as_of: IsoDate; now: string }) => Promise<T>,
): Promise<T & { as_of: IsoDate; now: string; read_at: string; stale?: true; error?: string }> {
  return readAtPoint(name, params, async (at) => ({ ...(await read(at)), ...at, read_at: new Date().toISOString() }));
}

/**
 * One monitoring query's rows at `as_of` / `now` (both optional), validated against the
 * contract. Throws `MonitoringParamError` for bad parameters, and the warehouse's error when it
 * fails with no earlier result to fall back on.
 */
export async function getMonitoring<N extends MonitoringQueryName>(
  name: N,
  params: MonitoringParams = {},
  actor?: Actor | null,
): Promise<MonitoringRead<N>> {
  await requireRole("viewer", actor);
  if (!isMonitoringQueryName(name)) throw new RangeError(`Unknown monitoring query: ${String(name)}`);
  return (await readMonitoringOncePerRequest(name, params.as_of, params.now)) as MonitoringRead<N>;
}

export { getSeasonCalendar };

// ---------------------------------------------------------------------------------------------
// Lists paged in the warehouse

/**
 * The cache key part of a list request: its page, sort and filters in a fixed order (two equal
 * requests share one entry, whatever order their parameters came in).
 */
export function listCacheKey(query: object): string {
  return JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The evaluation point a request resolves to (`as_of` defaulted to data-as-of, `now` to the
 * rounded current time), for reads that go past the cache (a CSV streamed a chunk at a time
 * reads every chunk at the same point). Throws MonitoringParamError for bad parameters.
 */
export async function resolveEvaluationPoint(params: MonitoringParams = {}, actor?: Actor | null): Promise<{ as_of: IsoDate; now: string }> {
  await requireRole("viewer", actor);
  const parsed = parseMonitoringParams({ as_of: params.as_of, now: params.now });
  if (!parsed.ok) throw new MonitoringParamError(parsed.field, parsed.error);
  const now = parsed.params.now ?? defaultNow();
  const as_of = parsed.params.as_of ?? (await readDataAsOf(now, parsed.params.now === undefined)).as_of ?? addDays(now.slice(0, 10), -1);
  return { as_of, now };
}

export type BreakerHistoryRead = BreakerHistoryPage & { read_at: string; stale?: true; error?: string };

/** The history's filters as the warehouse applies them. */
function historyFilters(query: HistoryListQuery) {
  return { processor: query.processor, entity: query.entity, q: query.q, date: query.date, event: query.event };
}

/**
 * One page of the breaker history's keys (each with its rows in the 30 days, in attempt order),
 * sorted and filtered in the warehouse, with the counts the panel shows (keys and rows selected,
 * rows before filtering, rows per event): two queries, cached per page and filters like every
 * monitoring read. Viewer or above.
 */
export async function getBreakerHistoryPage(query: HistoryListQuery, params: MonitoringParams = {}, actor?: Actor | null): Promise<BreakerHistoryRead> {
  await requireRole("viewer", actor);
  return readAtEvaluationPoint(`breaker-history-page|${listCacheKey(query)}`, params, async ({ now }) => {
    const wh = getWarehouse();
    const { limit, offset } = limitOffset(query);
    const filters = historyFilters(query);
    const sort = { sort: query.sort, dir: query.dir };
    const [page, summary] = await Promise.all([readBreakerHistoryPage(wh, now, filters, sort, limit, offset), readBreakerHistorySummary(wh, now)]);
    // The page carries the totals; a page past the last one has none to carry: its first page does.
    const selected = page.selected ?? (offset > 0 ? (await readBreakerHistoryPage(wh, now, filters, sort, 1, 0)).selected : null);
    const schema = monitoringRows["breaker-history"];
    return {
      rows: page.keys.map((k) => ({ ...k, events: k.events.map((e) => schema.parse(e)) })),
      page: query.page,
      page_size: query.page_size,
      total: selected?.keys ?? 0,
      total_events: selected?.events ?? 0,
      all: summary.all,
      facets: { events: summary.eventCounts },
    };
  });
}

export type BreakerTrendRead = BreakerTrend & { read_at: string; stale?: true; error?: string };

/**
 * What the trends page draws from the breaker history since `from` (trips per processor and
 * analysis date, unaudited overrides and resets per day), counted in one query over the
 * attempts of the 30-day windows ending at `now` that reach back to `from`. Cached like every
 * monitoring read. Viewer or above.
 */
export async function getBreakerTrend(from: IsoDate, params: MonitoringParams = {}, actor?: Actor | null): Promise<BreakerTrendRead> {
  await requireRole("viewer", actor);
  return readAtEvaluationPoint(`breaker-trend|${from}`, params, async ({ now }) => {
    const days = breakerTrendDays(now, from);
    return { since: addDaysToInstant(now, -days), rows: await readBreakerTrend(getWarehouse(), now, days) };
  });
}

/**
 * Every row of the history's keys the filters select, in the list's order (keys in the sort,
 * each key's rows in attempt order), read `chunkKeys` keys per query at one evaluation point:
 * what the CSV export streams. Not cached (each chunk is read once). Viewer or above (checked
 * before the first read).
 */
export async function* breakerHistoryRows(
  query: Omit<HistoryListQuery, "page" | "page_size">,
  at: { now: string },
  actor?: Actor | null,
  chunkKeys = 500,
): AsyncGenerator<HistoryRow[]> {
  await requireRole("viewer", actor);
  const wh = getWarehouse();
  const filters = historyFilters({ ...query, page: 1, page_size: chunkKeys });
  for (let offset = 0; ; offset += chunkKeys) {
    const { keys } = await readBreakerHistoryPage(wh, at.now, filters, { sort: query.sort, dir: query.dir }, chunkKeys, offset);
    if (keys.length > 0) yield keys.flatMap((k) => k.events);
    if (keys.length < chunkKeys) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Alerts

export interface AlertView extends Alert {
  /** Where the rows that raised it are: one link per raising processor, plus the whole set. */
  links: AlertLink[];
}

export interface AlertsRead {
  as_of: string;
  now: string;
  read_at: string;
  thresholds: AlertThresholds;
  alerts: AlertView[];
  stale?: true;
  error?: string;
}

export function alertThresholds(): AlertThresholds {
  const env = getEnv();
  return {
    criticalActiveBreakers: env.ALERT_CRITICAL_ACTIVE_BREAKERS,
    warningReadyPct: env.ALERT_WARNING_READY_PCT,
    infoAvgCompleteness: env.ALERT_INFO_AVG_COMPLETENESS_PCT,
  };
}

export { alertLinks, type AlertLink };

/** The console's three alerts over the health read, thresholds from configuration, each with its links. */
export async function getAlerts(params: MonitoringParams = {}, actor?: Actor | null): Promise<AlertsRead> {
  const health = await getMonitoring("health", params, actor);
  const thresholds = alertThresholds();
  const alerts = evaluateAlerts(toProcessorHealth(health.rows), thresholds).map((alert) => ({
    ...alert,
    links: alertLinks(alert, { as_of: health.as_of, now: params.now ? health.now : undefined }),
  }));
  return {
    as_of: health.as_of,
    now: health.now,
    read_at: health.read_at,
    thresholds,
    alerts,
    ...(health.stale ? { stale: true as const, error: health.error } : {}),
  };
}
