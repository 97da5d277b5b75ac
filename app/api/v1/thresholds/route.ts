import { authenticate } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { MonitoringParamError, parseMonitoringParams } from "@/lib/data/monitoring";
import { getThresholdPassCounts } from "@/lib/data/thresholds";
import { withHttpMetrics } from "@/lib/metrics/registry";
import { WarehouseError } from "@/lib/warehouse";

/**
 * `GET /api/v1/thresholds?as_of=YYYY-MM-DD`: the threshold what-if (runbook "threshold tuning")
 * as JSON — per processor, how many entities of the date pass at 80/85/90/95 % and at its
 * configured threshold (lib/data/thresholds.ts). `as_of` defaults to the latest date with output.
 *
 * 401 without a session or token; 400 `{ error, field: "as_of" }` for a malformed or impossible
 * date; 503 `{ error }` with a safe message when the warehouse fails. `private, no-store`.
 */
export const dynamic = "force-dynamic";

const HEADERS = { "Cache-Control": "private, no-store" } as const;

function json(body: unknown, status: number): Response {
  return Response.json(body, { status, headers: HEADERS });
}

export const GET = withHttpMetrics("/api/v1/thresholds", thresholdsRoute);

async function thresholdsRoute(request: Request): Promise<Response> {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const parsed = parseMonitoringParams({ as_of: new URL(request.url).searchParams.get("as_of") });
  if (!parsed.ok) return json({ error: parsed.error, field: "as_of" }, 400);
  try {
    const result = await getThresholdPassCounts({ as_of: parsed.params.as_of }, auth.actor);
    return json(result, 200);
  } catch (error) {
    if (error instanceof MonitoringParamError) return json({ error: error.message, field: error.field }, 400);
    if (error instanceof AuthError) return json({ error: error.message }, error.status);
    console.error("[api] thresholds failed", error instanceof WarehouseError ? error.detail : error);
    const message = error instanceof WarehouseError ? error.message : "The threshold counts could not be read";
    return json({ error: message }, 503);
  }
}
