import { authenticate, json } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { readIncidents } from "@/lib/data/incidents";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { withHttpMetrics } from "@/lib/metrics/registry";
import { WarehouseError } from "@/lib/warehouse";

/**
 * `GET /api/v1/incidents?as_of=YYYY-MM-DD&now=<ISO 8601>`: the incidents — failing and tripped
 * breaker keys grouped by the upstream rows they miss — open first, worst first, as
 * `{ now, rows, unexplained }` (`rows`: the incidents, `keys` the number of keys; `unexplained`:
 * active keys no incident explains).
 *
 * 401 anonymous (session or bearer token), 403 for a role that may not read, 400 `{ error, field }`
 * naming `as_of` or `now`, 503 with a safe message when the warehouse fails.
 */
export const dynamic = "force-dynamic";

export const GET = withHttpMetrics("/api/v1/incidents", incidentsRoute);

async function incidentsRoute(request: Request): Promise<Response> {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const search = new URL(request.url).searchParams;
  const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
  if (!parsed.ok) return json({ error: parsed.error, field: parsed.field }, 400);
  try {
    const read = await readIncidents({ asOf: parsed.params.as_of, now: parsed.params.now }, auth.actor);
    return json({ now: read.now, rows: read.incidents, unexplained: read.unexplained });
  } catch (error) {
    if (error instanceof AuthError) return json({ error: error.message }, error.status);
    console.error("[api] incidents failed", error instanceof WarehouseError ? error.detail : error);
    return json({ error: error instanceof WarehouseError ? error.message : "The incidents could not be read" }, 503);
  }
}
