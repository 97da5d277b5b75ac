import { authenticate, json } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { incidentIdField } from "@/lib/breakers/schemas";
import { readIncident } from "@/lib/data/incidents";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { incidentBody, incidentCsvFilename, incidentKeysCsv } from "@/lib/incidents/export";
import { withHttpMetrics } from "@/lib/metrics/registry";
import { WarehouseError } from "@/lib/warehouse";

/**
 * `GET /api/v1/incidents/<id>?as_of&now[&format=csv]`: one incident with its keys — per key the
 * processor, entity, analysis date, breaker state, whether its data has recovered (live
 * recheck), what is still missing and what its latest override led to. `key_count` is their
 * number. `format=csv`: the keys as CSV, one line each.
 *
 * 401 anonymous, 403 for a role that may not read, 400 `{ error, field }` for a malformed id,
 * `as_of`, `now` or `format`, 404 for an incident nobody can find at that moment, 503 with a
 * safe message when the warehouse fails.
 */
export const dynamic = "force-dynamic";

export const GET = withHttpMetrics("/api/v1/incidents/[id]", incidentRoute);

async function incidentRoute(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const id = incidentIdField.safeParse((await params).id);
  if (!id.success) return json({ error: `id ${id.error.issues[0]!.message}`, field: "id" }, 400);
  const search = new URL(request.url).searchParams;
  const format = search.get("format");
  if (format !== null && format !== "json" && format !== "csv") return json({ error: "format must be json or csv", field: "format" }, 400);
  const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
  if (!parsed.ok) return json({ error: parsed.error, field: parsed.field }, 400);
  try {
    const detail = await readIncident(id.data, { asOf: parsed.params.as_of, now: parsed.params.now }, auth.actor);
    if (!detail) return json({ error: `No incident "${id.data}"`, field: "id" }, 404);
    if (format === "csv") {
      return new Response(incidentKeysCsv(detail), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${incidentCsvFilename(detail.id)}"`,
          "Cache-Control": "no-store",
        },
      });
    }
    return json(incidentBody(detail));
  } catch (error) {
    if (error instanceof AuthError) return json({ error: error.message }, error.status);
    console.error("[api] incident failed", error instanceof WarehouseError ? error.detail : error);
    return json({ error: error instanceof WarehouseError ? error.message : "The incident could not be read" }, 503);
  }
}
