import { entityListRead } from "@/lib/api/entity-lists";
import { json, readRoute } from "@/lib/api/handler";
import type { Actor } from "@/lib/auth/session";
import { countOutcomes } from "@/lib/breakers/outcomes";
import { getMonitoring, isMonitoringQueryName, parseMonitoringParams } from "@/lib/data/monitoring";
import { getLatestOverrideOutcomes } from "@/lib/data/outcomes";
import { filterBySafe, getActiveBreakers } from "@/lib/data/verdicts";
import { type ApiError, fieldRefusal } from "@/lib/errors";
import { withHttpMetrics } from "@/lib/metrics/registry";
import { isEntityList } from "@/lib/monitoring/entity-lists";
import { MONITORING_QUERY_NAMES, type MonitoringParams, type SafeFilter, safeFilter } from "@/lib/monitoring/schemas";

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
 * - active-breakers rows carry `verdict` (safe to override now, or what is missing; null when
 *   the live recheck failed, with `X-Verdict-Error`); `safe=yes|no` keeps only the keys whose
 *   verdict is (not) safe; 400 naming `safe` for another value or another query.
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

  const safeParam = search.get("safe");
  const safe = safeParam === null ? undefined : safeFilter.safeParse(safeParam);
  if (safe && (!safe.success || name !== "active-breakers")) {
    return fieldRefusal("safe", `safe must be "yes" or "no", on active-breakers only`);
  }

  const result = name === "active-breakers" ? await activeWithVerdicts(parsed.params, actor, safe?.data) : await getMonitoring(name, parsed.params, actor);
  const headers: Record<string, string> = { ...HEADERS, "X-Data-Read-At": result.read_at };
  if (result.stale) {
    headers["X-Data-Stale"] = "1";
    if (result.error) headers["X-Data-Error"] = result.error;
  }
  if ("verdict_error" in result && result.verdict_error) headers["X-Verdict-Error"] = result.verdict_error;
  if (outcomes === "latest") {
    const keys = result.rows as { processor: string; entity_id: string; analysis_date: string }[];
    const latest = await getLatestOverrideOutcomes(keys, result.now, { actor });
    return json(
      { as_of: result.as_of, now: result.now, rows: result.rows, outcomes: latest, outcome_counts: countOutcomes(latest.map((o) => o.outcome)) },
      200,
      headers,
    );
  }
  return json({ as_of: result.as_of, now: result.now, rows: result.rows }, 200, headers);
}

/** The active breakers with their verdicts, only the (not) safe ones when `safe` is given. */
async function activeWithVerdicts(params: MonitoringParams, actor: Actor, safe: SafeFilter | undefined) {
  const read = await getActiveBreakers(params, actor);
  return { ...read, rows: filterBySafe(read.rows, safe) };
}
