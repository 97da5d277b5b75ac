import "server-only";

import { createHash, timingSafeEqual } from "node:crypto";

import { type TrustedProxies, clientAddress, parseTrustedProxies, passedGate } from "@/lib/security/client-address";
import { timeWarehouseCallsWith } from "@/lib/warehouse";

/**
 * The console's own metrics in the Prometheus text exposition format 0.0.4,
 * without a client library: `# HELP`, `# TYPE`, then `name{label="value"} number` lines.
 *
 * - Counters and histograms live on globalThis: Next bundles every route handler separately,
 *   each with its own copy of this module, and one process must keep one registry (the
 *   monitoring cache does the same, lib/data/monitoring.ts).
 * - Gauges are not kept here: GET /metrics reads them from the data layer at scrape time and
 *   formats them with `renderFamily`.
 * - Label values are bounded by construction: routes are templates (`/api/v1/monitoring/[name]`),
 *   warehouse labels are query-definition names, processors come from the registry, incidents
 *   are the open ones, at most MAX_INCIDENT_SERIES.
 */

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
}

const def = (name: string, type: MetricType, help: string): MetricDef => ({ name, type, help });

/** The gauges GET /metrics computes from the data layer at the latest as-of. */
export const GAUGES = {
  productionReadyPct: def("completeness_console_production_ready_pct", "gauge", "Production-ready share of the processor's rows over the 7 dates ending at the data-as-of date, in percent"),
  avgCompletenessPct: def("completeness_console_avg_completeness_pct", "gauge", "Average completeness of the processor's rows over the 7 dates ending at the data-as-of date, in percent"),
  records: def("completeness_console_records", "gauge", "Rows of the processor over the 7 dates ending at the data-as-of date (the weight of its average in the overall one)"),
  activeBreakers: def("completeness_console_active_breakers", "gauge", "Circuit breakers of the processor active now"),
  bootstrapRecords: def("completeness_console_bootstrap_records", "gauge", "Rows of the processor over the 7 dates ending at the data-as-of date processed in bootstrap mode"),
  dataAsOf: def("completeness_console_data_as_of_timestamp_seconds", "gauge", "The data-as-of date (latest date with processor output), as the Unix time of its midnight UTC"),
  dataUp: def("completeness_console_data_up", "gauge", "1 when the monitoring data could be read for this scrape, 0 when the warehouse failed"),
  dataStale: def("completeness_console_data_stale", "gauge", "1 when the warehouse failed and the last good monitoring result is exposed"),
  alertActive: def("completeness_console_alert_active", "gauge", "1 when the console alert (configured thresholds) is raised, else 0"),
  incidentsOpen: def("completeness_console_incidents_open", "gauge", "Open incidents now: groups of failing or tripped breaker keys that miss the same upstream rows"),
  incidentKeys: def("completeness_console_incident_keys", "gauge", "Breaker keys of an open incident (one series per open incident, the worst first, at most 100)"),
  incidentRecoveredRatio: def("completeness_console_incident_recovered_ratio", "gauge", "Share of an open incident's keys whose upstream data is complete now (live recheck), 0 to 1"),
  tripRate: def("completeness_console_trip_rate", "gauge", "Share of the processor's keys evaluated over the 30 dates ending at the data-as-of date that tripped a circuit breaker, 0 to 1"),
} as const;

/**
 * Open incidents get one series each (labels `incident`, `cause_kind`); closed ones none. A
 * bounded label set: the worst this many, so a pathological night cannot flood Prometheus (the
 * count of all of them is `completeness_console_incidents_open`).
 */
export const MAX_INCIDENT_SERIES = 100;

export const HTTP_REQUESTS_TOTAL = def("completeness_console_http_requests_total", "counter", "HTTP requests answered by the console's instrumented route handlers");
export const HTTP_REQUEST_DURATION = def("completeness_console_http_request_duration_seconds", "histogram", "Time to answer an HTTP request in an instrumented route handler");
export const WAREHOUSE_QUERIES_TOTAL = def("completeness_console_warehouse_queries_total", "counter", "Warehouse calls (query, execute, transaction, insert) by label and outcome");
export const WAREHOUSE_QUERY_DURATION = def("completeness_console_warehouse_query_duration_seconds", "histogram", "Time of a warehouse call, by label");

export const SIGN_IN_FAILURES_TOTAL = def("completeness_console_sign_in_failures_total", "counter", "Demo-account sign-ins refused for a wrong username or password (a locked attempt counts as a lockout instead)");
export const SIGN_IN_LOCKOUTS_TOTAL = def("completeness_console_sign_in_lockouts_total", "counter", "Demo-account sign-ins refused because the username is locked for the client's address");

export const COUNTERS_AND_HISTOGRAMS = [
  HTTP_REQUESTS_TOTAL,
  HTTP_REQUEST_DURATION,
  WAREHOUSE_QUERIES_TOTAL,
  WAREHOUSE_QUERY_DURATION,
  SIGN_IN_FAILURES_TOTAL,
  SIGN_IN_LOCKOUTS_TOTAL,
] as const;

/** Every metric family GET /metrics exposes, in exposition order. */
export const METRIC_FAMILIES: readonly MetricDef[] = [...Object.values(GAUGES), ...COUNTERS_AND_HISTOGRAMS];

/** Every series name a query can use: families, plus `_bucket`, `_sum`, `_count` of histograms. */
export const EXPOSED_SERIES_NAMES: readonly string[] = METRIC_FAMILIES.flatMap((m) =>
  m.type === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
);

export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

// ---------------------------------------------------------------------------------------------
// Formatting

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number;
  /** Appended to the family name (`_bucket`, `_sum`, `_count`). */
  suffix?: string;
}

/** A label value: backslash, double quote and line feed escaped (format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text: backslash and line feed escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** One family: HELP, TYPE, then its samples (none is fine: the family is declared, empty). */
export function renderFamily(metric: MetricDef, samples: readonly Sample[]): string {
  const lines = [`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`];
  for (const s of samples) lines.push(`${metric.name}${s.suffix ?? ""}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// The process-wide registry

interface CounterSeries {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last slot is above the largest bound. */
  counts: number[];
  sum: number;
  count: number;
}

interface Registry {
  counters: Map<string, Map<string, CounterSeries>>;
  histograms: Map<string, Map<string, HistogramSeries>>;
}

const processWide = globalThis as typeof globalThis & { __completenessMetrics?: Registry };
processWide.__completenessMetrics ??= { counters: new Map(), histograms: new Map() };
const registry = processWide.__completenessMetrics;

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels));

function series<T>(store: Map<string, Map<string, T>>, name: string, labels: Labels, create: () => T): T {
  let family = store.get(name);
  if (!family) store.set(name, (family = new Map()));
  const key = keyOf(labels);
  let s = family.get(key);
  if (!s) family.set(key, (s = create()));
  return s;
}

export function incCounter(metric: MetricDef, labels: Labels, by = 1): void {
  series(registry.counters, metric.name, labels, () => ({ labels: { ...labels }, value: 0 })).value += by;
}

export function observe(metric: MetricDef, labels: Labels, value: number): void {
  const h = series(registry.histograms, metric.name, labels, () => ({ labels: { ...labels }, counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
  const i = DURATION_BUCKETS.findIndex((bound) => value <= bound);
  h.counts[i === -1 ? DURATION_BUCKETS.length : i]! += 1;
  h.sum += value;
  h.count += 1;
}

/** Forget every counter and histogram (tests). */
export function resetMetrics(): void {
  registry.counters.clear();
  registry.histograms.clear();
}

/** Counters without labels are always exposed (0 before the first event), so rate() sees the start. */
const UNLABELLED_COUNTERS = new Set([SIGN_IN_FAILURES_TOTAL.name, SIGN_IN_LOCKOUTS_TOTAL.name]);

function counterSamples(metric: MetricDef): Sample[] {
  const samples = [...(registry.counters.get(metric.name)?.values() ?? [])].map((s) => ({ labels: s.labels, value: s.value }));
  return samples.length === 0 && UNLABELLED_COUNTERS.has(metric.name) ? [{ value: 0 }] : samples;
}

function histogramSamples(metric: MetricDef): Sample[] {
  const out: Sample[] = [];
  for (const h of registry.histograms.get(metric.name)?.values() ?? []) {
    let cumulative = 0;
    DURATION_BUCKETS.forEach((bound, i) => {
      cumulative += h.counts[i]!;
      out.push({ suffix: "_bucket", labels: { ...h.labels, le: formatValue(bound) }, value: cumulative });
    });
    out.push({ suffix: "_bucket", labels: { ...h.labels, le: "+Inf" }, value: h.count });
    out.push({ suffix: "_sum", labels: h.labels, value: h.sum });
    out.push({ suffix: "_count", labels: h.labels, value: h.count });
  }
  return out;
}

/** The counters and histograms, every family declared even before its first observation. */
export function renderCountersAndHistograms(): string {
  return COUNTERS_AND_HISTOGRAMS.map((m) => renderFamily(m, m.type === "histogram" ? histogramSamples(m) : counterSamples(m))).join("");
}

// ---------------------------------------------------------------------------------------------
// Recording

const seconds = (startedAt: number) => (performance.now() - startedAt) / 1000;

export function recordHttpRequest(route: string, method: string, status: number, durationSeconds: number): void {
  incCounter(HTTP_REQUESTS_TOTAL, { route, method, status: String(status) });
  observe(HTTP_REQUEST_DURATION, { route, method }, durationSeconds);
}

export type WarehouseOutcome = "ok" | "error" | "guard_failed";

export function recordWarehouseQuery(label: string, outcome: WarehouseOutcome, durationSeconds: number): void {
  incCounter(WAREHOUSE_QUERIES_TOTAL, { label, outcome });
  observe(WAREHOUSE_QUERY_DURATION, { label }, durationSeconds);
}

/**
 * A route handler that counts and times itself under `route` (a template, never the concrete
 * path: label values must stay few). A thrown error counts as a 500 and is rethrown.
 */
export function withHttpMetrics<A extends [Request, ...unknown[]]>(route: string, handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    const startedAt = performance.now();
    const method = args[0].method.toUpperCase();
    try {
      const response = await handler(...args);
      recordHttpRequest(route, method, response.status, seconds(startedAt));
      return response;
    } catch (error) {
      recordHttpRequest(route, method, 500, seconds(startedAt));
      throw error;
    }
  };
}

/** Time `run()` and count it under `label` (the warehouse's call timer, installed below). */
export async function timeWarehouseCall<T>(label: string, run: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  try {
    const result = await run();
    recordWarehouseQuery(label, "ok", seconds(startedAt));
    return result;
  } catch (error) {
    const outcome: WarehouseOutcome = error instanceof Error && error.name === "GuardFailedError" ? "guard_failed" : "error";
    recordWarehouseQuery(label, outcome, seconds(startedAt));
    throw error;
  }
}

// Every warehouse call from getWarehouse() is counted and timed, in every bundle that loads this
// module; the server loads it at start (instrumentation.ts), before the first request.
timeWarehouseCallsWith(timeWarehouseCall);

// ---------------------------------------------------------------------------------------------
// Who may scrape

export type ScrapeAccess = { ok: true } | { ok: false; status: 401 | 403; error: string };

/** Equal strings, compared in constant time (hashes first, so lengths do not leak either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

const LOOPBACK_ADDRESS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/i;

/**
 * Whether a request came from this machine: the client's address — the socket's, or what a
 * trusted proxy saw (TRUSTED_PROXIES, lib/security/client-address.ts) — is a loopback address.
 * Neither a client-written X-Forwarded-For nor the Host header counts (a remote client can write
 * both). Without the request gate (lib/security/request-gate.ts) nothing can be told apart, so nothing is loopback.
 * A reverse proxy on this machine makes every request look local: trust it (TRUSTED_PROXIES)
 * so the address it forwards is judged instead, or set METRICS_TOKEN.
 */
export function isLoopbackRequest(request: Request, trust: TrustedProxies = parseTrustedProxies("0")): boolean {
  if (!passedGate(request.headers)) return false;
  const client = clientAddress(request.headers, trust);
  return client !== null && LOOPBACK_ADDRESS.test(client);
}

/**
 * GET /metrics is public at the proxy and authorizes itself:
 * - METRICS_TOKEN set: `Authorization: Bearer <token>` (constant-time compare), else 401.
 * - unset, embedded warehouse: loopback requests only (see isLoopbackRequest), else 403.
 * - unset, BigQuery (production): refused (403) — a production scrape needs the token.
 */
export function authorizeScrape(request: Request, env: { METRICS_TOKEN?: string; WAREHOUSE: "embedded" | "bigquery"; TRUSTED_PROXIES?: string }): ScrapeAccess {
  if (env.METRICS_TOKEN) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get("authorization") ?? "");
    if (match && constantTimeEqual(match[1]!, env.METRICS_TOKEN)) return { ok: true };
    return { ok: false, status: 401, error: "Send Authorization: Bearer <METRICS_TOKEN>" };
  }
  if (env.WAREHOUSE !== "embedded") return { ok: false, status: 403, error: "Set METRICS_TOKEN to scrape the metrics" };
  if (!isLoopbackRequest(request, parseTrustedProxies(env.TRUSTED_PROXIES ?? "0"))) return { ok: false, status: 403, error: "Without METRICS_TOKEN the metrics are served to this machine only" };
  return { ok: true };
}
