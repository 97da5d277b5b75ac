import { csvStreamResponse } from "@/lib/api/csv-stream";
import { entityListRead } from "@/lib/api/entity-lists";
import { json, readRoute } from "@/lib/api/handler";
import type { Actor } from "@/lib/auth/session";
import { countOutcomes } from "@/lib/breakers/outcomes";
import { isIsoDate } from "@/lib/completeness/dates";
import { breakerHistoryRows, getBreakerHistoryPage, getBreakerTrend, getMonitoring, isMonitoringQueryName, parseMonitoringParams, resolveEvaluationPoint } from "@/lib/data/monitoring";
import { getLatestOverrideOutcomes } from "@/lib/data/outcomes";
import { activeBreakerRows, getActiveBreakersPage } from "@/lib/data/verdicts";
import { type ApiError, fieldRefusal } from "@/lib/errors";
import { withHttpMetrics } from "@/lib/metrics/registry";
import { isEntityList } from "@/lib/monitoring/entity-lists";
import { ACTIVE_CSV_COLUMNS, HISTORY_CSV_COLUMNS, activeListSchema, historyListSchema, parseListQuery } from "@/lib/monitoring/lists";
import { MONITORING_QUERY_NAMES, type MonitoringParams } from "@/lib/monitoring/schemas";

/**
 * `GET /api/v1/monitoring/<name>?as_of=YYYY-MM-DD&now=<ISO 8601>`: one monitoring
 * query as JSON, `{ as_of, now, rows }` with exactly the contract's row fields
 * (lib/monitoring/schemas.ts). Polled by the console and called by the CLI and automation.
 * The entity lists (below-threshold, multi-window, bootstrap) answer a page instead:
 * lib/api/entity-lists.ts.
 *
 * - 401 first when nobody is signed in, 403 for a role that may not read; then 404 naming `name`
 *   in `fieldErrors` for an unknown query name; 400 naming `as_of` or `now` when one is
 *   malformed; 503 with a safe message when the warehouse fails and no earlier result exists.
 *   Every refusal is `{ ok: false, code, error, fieldErrors? }`.
 * - The data layer caches per query and parameters; the response itself is `private, no-store`
 *   (readers must be signed in, and breaker state changes by the
 *   minute). When the warehouse failed and the last good result is served, `X-Data-Stale: 1`
 *   and `X-Data-Error` say so; `X-Data-Read-At` is when the warehouse was read.
 * - `outcomes=latest` (active-breakers and breaker-history only, what `completeness breakers
 *   status` asks): the body also carries `outcomes`, the latest override of each listed key that
 *   was ever overridden with what it led to at the result's `now`, and `outcome_counts` over
 *   them; 400 naming `outcomes` for another value or another query.
 * - active-breakers and breaker-history are lists paged, sorted and filtered in the warehouse
 *   (lib/monitoring/lists.ts): `page`, `page_size` (≤ 500, default 100), `sort`, `dir` and the
 *   filters (`processor` repeatable or comma-separated, `date`, `q`; active: `reason`, `safe=yes|no`;
 *   history: `entity`, `event`) → `{ as_of, now, rows, page, page_size, total, … }` with the
 *   counts the panels show (before filtering, facets). A history row is a KEY with its `events`
 *   (`total` counts keys). 400 naming the field for a bad value; a page past the end has no rows.
 *   `format=csv` streams every selected row (history: every row of the selected keys) from the
 *   warehouse a chunk at a time, in the list's order; pin `as_of`/`now` to export what a page showed.
 *   `breaker-history?view=trend&from=YYYY-MM-DD`: the trends page's counts since `from` (trips per
 *   processor and analysis date, unaudited overrides and resets per day), not a list.
 * - active-breakers rows carry `verdict` (safe to override now, or what is missing; null when
 *   the live recheck failed, with `X-Verdict-Error`); `safe=yes|no` keeps only the keys whose
 *   verdict is (not) safe; 400 naming `safe` on another query.
 */
export const dynamic = "force-dynamic";

const HEADERS = { "Cache-Control": "private, no-store" } as const;

/** The queries whose rows are breaker keys, for which `outcomes=latest` is answered. */
const KEYED_QUERIES = new Set(["active-breakers", "breaker-history"]);

// Counted and timed for GET /metrics under the route template (never the concrete name).
export const GET = withHttpMetrics(
  "/api/v1/monitoring/[name]",
  // Who is asking, before anything is said: 401 anonymous, even about names.
  readRoute<{ params: Promise<{ name: string }> }>({ route: "monitoring", what: "The monitoring data could not be read", headers: HEADERS }, monitoringRead),
);

async function monitoringRead(request: Request, actor: Actor, { params }: { params: Promise<{ name: string }> }): Promise<Response | ApiError> {
  const { name } = await params;
  if (!isMonitoringQueryName(name)) {
    return fieldRefusal("name", `Unknown monitoring query "${name}"; one of: ${MONITORING_QUERY_NAMES.join(", ")}`, "not_found");
  }
  // The entity lists are paged, filtered and sorted in the warehouse (and exported as CSV): lib/api/entity-lists.ts.
  if (isEntityList(name)) return entityListRead(request, actor, name, HEADERS);
  const search = new URL(request.url).searchParams;
  const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
  if (!parsed.ok) return fieldRefusal(parsed.field, parsed.error);
  const outcomes = search.get("outcomes");
  if (outcomes !== null && (outcomes !== "latest" || !KEYED_QUERIES.has(name))) {
    return fieldRefusal("outcomes", `outcomes must be "latest", on ${[...KEYED_QUERIES].join(" or ")} only`);
  }
  if (name === "active-breakers" || name === "breaker-history") return breakerListRead(name, search, parsed.params, actor, outcomes === "latest");
  if (search.get("safe") !== null) return fieldRefusal("safe", `safe must be "yes" or "no", on active-breakers only`);
  if (search.get("format") !== null) return fieldRefusal("format", "format=csv is answered on active-breakers and breaker-history only");

  const result = await getMonitoring(name, parsed.params, actor);
  const headers = readHeaders(result);
  return json({ as_of: result.as_of, now: result.now, rows: result.rows }, 200, headers);
}

function readHeaders(result: { read_at: string; stale?: true; error?: string; verdict_error?: string }): Record<string, string> {
  const headers: Record<string, string> = { ...HEADERS, "X-Data-Read-At": result.read_at };
  if (result.stale) {
    headers["X-Data-Stale"] = "1";
    if (result.error) headers["X-Data-Error"] = result.error;
  }
  if (result.verdict_error) headers["X-Verdict-Error"] = result.verdict_error;
  return headers;
}

/** A page of a breaker list (its filters, sort and page in the warehouse), or with `format=csv` every selected row. */
async function breakerListRead(
  name: "active-breakers" | "breaker-history",
  search: URLSearchParams,
  at: MonitoringParams,
  actor: Actor,
  withOutcomes: boolean,
): Promise<Response | ApiError> {
  const view = search.get("view");
  if (view !== null) {
    if (view !== "trend" || name !== "breaker-history") return fieldRefusal("view", 'view must be "trend", on breaker-history only');
    const from = search.get("from");
    if (from === null || !isIsoDate(from) || from < "2000-01-01") return fieldRefusal("from", "from must be a calendar date YYYY-MM-DD (the first date of the trend)");
    const trend = await getBreakerTrend(from, at, actor);
    const { read_at: _readAt, stale: _stale, error: _error, ...body } = trend;
    return json(body, 200, readHeaders(trend));
  }
  const format = search.get("format");
  if (format !== null && format !== "csv") return fieldRefusal("format", 'format must be "csv" (or absent, for JSON)');
  if (format === "csv" && withOutcomes) return fieldRefusal("outcomes", "outcomes is answered in JSON only, not with format=csv");
  if (name === "active-breakers") {
    const list = parseListQuery(activeListSchema, search);
    if (!list.ok) return fieldRefusal(list.field, list.error);
    if (format === "csv") {
      const point = await resolveEvaluationPoint(at, actor);
      return csvStreamResponse(`active-breakers_${point.as_of}.csv`, ACTIVE_CSV_COLUMNS, activeBreakerRows(list.query, point, actor), pointHeaders(point));
    }
    return listResponse(await getActiveBreakersPage(list.query, at, actor), actor, withOutcomes);
  }
  if (search.get("safe") !== null) return fieldRefusal("safe", `safe must be "yes" or "no", on active-breakers only`);
  const list = parseListQuery(historyListSchema, search);
  if (!list.ok) return fieldRefusal(list.field, list.error);
  if (format === "csv") {
    const point = await resolveEvaluationPoint(at, actor);
    return csvStreamResponse(`breaker-history_${point.now.slice(0, 10)}.csv`, HISTORY_CSV_COLUMNS, breakerHistoryRows(list.query, point, actor), pointHeaders(point));
  }
  return listResponse(await getBreakerHistoryPage(list.query, at, actor), actor, withOutcomes);
}

/** A CSV's evaluation point, resolved once so every chunk reads the same list. */
function pointHeaders(point: { as_of: string; now: string }): Record<string, string> {
  return { ...HEADERS, "X-Data-As-Of": point.as_of, "X-Data-Now": point.now };
}

async function listResponse(
  result: { now: string; read_at: string; stale?: true; error?: string; verdict_error?: string; rows: { processor: string; entity_id: string; analysis_date: string }[] },
  actor: Actor,
  withOutcomes: boolean,
): Promise<Response> {
  const { read_at: _readAt, stale: _stale, error: _error, ...body } = result;
  const headers = readHeaders(result);
  if (!withOutcomes) return json(body, 200, headers);
  const keys = result.rows.map((r) => ({ processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date }));
  const latest = await getLatestOverrideOutcomes(keys, result.now, { actor });
  return json({ ...body, outcomes: latest, outcome_counts: countOutcomes(latest.map((o) => o.outcome)) }, 200, headers);
}
