import { json, readRoute } from "@/lib/api/handler";
import { readIncidents } from "@/lib/data/incidents";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { fieldRefusal } from "@/lib/errors";
import { withHttpMetrics } from "@/lib/metrics/registry";

/**
 * `GET /api/v1/incidents?as_of=YYYY-MM-DD&now=<ISO 8601>`: the incidents — failing and tripped
 * breaker keys grouped by the upstream rows they miss — open first, worst first, as
 * `{ now, rows, unexplained }` (`rows`: the incidents, `keys` the number of keys; `unexplained`:
 * active keys no incident explains).
 *
 * 401 anonymous (session or bearer token), 403 for a role that may not read, 400 naming `as_of`
 * or `now` in `fieldErrors`, 503 with a safe message when the warehouse fails.
 */
export const dynamic = "force-dynamic";

export const GET = withHttpMetrics(
  "/api/v1/incidents",
  readRoute({ route: "incidents", what: "The incidents could not be read" }, async (request, actor) => {
    const search = new URL(request.url).searchParams;
    const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
    if (!parsed.ok) return fieldRefusal(parsed.field, parsed.error);
    const read = await readIncidents({ asOf: parsed.params.as_of, now: parsed.params.now }, actor);
    return json({ now: read.now, rows: read.incidents, unexplained: read.unexplained });
  }),
);
