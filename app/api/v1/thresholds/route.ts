import { json, readRoute } from "@/lib/api/handler";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { getThresholdPassCounts } from "@/lib/data/thresholds";
import { fieldRefusal } from "@/lib/errors";
import { withHttpMetrics } from "@/lib/metrics/registry";

/**
 * `GET /api/v1/thresholds?as_of=YYYY-MM-DD`: the threshold what-if (runbook "threshold tuning")
 * as JSON — per processor, how many entities of the date pass at 80/85/90/95 % and at its
 * configured threshold (lib/data/thresholds.ts). `as_of` defaults to the latest date with output.
 *
 * 401 without a session or token; 400 naming `as_of` in `fieldErrors` for a malformed or
 * impossible date; 503 with a safe message when the warehouse fails. `private, no-store`.
 */
export const dynamic = "force-dynamic";

const HEADERS = { "Cache-Control": "private, no-store" };

export const GET = withHttpMetrics(
  "/api/v1/thresholds",
  readRoute({ route: "thresholds", what: "The threshold counts could not be read", headers: HEADERS }, async (request, actor) => {
    const parsed = parseMonitoringParams({ as_of: new URL(request.url).searchParams.get("as_of") });
    if (!parsed.ok) return fieldRefusal("as_of", parsed.error);
    return json(await getThresholdPassCounts({ as_of: parsed.params.as_of }, actor), 200, HEADERS);
  }),
);
