import { json, readRoute } from "@/lib/api/handler";
import { incidentIdField } from "@/lib/breakers/schemas";
import { readIncident } from "@/lib/data/incidents";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { fieldRefusal } from "@/lib/errors";
import { incidentBody, incidentCsvFilename, incidentKeysCsv } from "@/lib/incidents/export";
import { withHttpMetrics } from "@/lib/metrics/registry";

/**
 * `GET /api/v1/incidents/<id>?as_of&now[&format=csv]`: one incident with its keys — per key the
 * processor, entity, analysis date, breaker state, whether its data has recovered (live
 * recheck), what is still missing and what its latest override led to. `key_count` is their
 * number. `format=csv`: the keys as CSV, one line each.
 *
 * 401 anonymous, 403 for a role that may not read, 400 naming the malformed id, `as_of`, `now`
 * or `format` in `fieldErrors`, 404 for an incident nobody can find at that moment, 503 with a
 * safe message when the warehouse fails.
 */
export const dynamic = "force-dynamic";

export const GET = withHttpMetrics(
  "/api/v1/incidents/[id]",
  readRoute<{ params: Promise<{ id: string }> }>({ route: "incidents/[id]", what: "The incident could not be read" }, async (request, actor, { params }) => {
    const id = incidentIdField.safeParse((await params).id);
    if (!id.success) return fieldRefusal("id", `id ${id.error.issues[0]!.message}`);
    const search = new URL(request.url).searchParams;
    const format = search.get("format");
    if (format !== null && format !== "json" && format !== "csv") return fieldRefusal("format", "format must be json or csv");
    const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
    if (!parsed.ok) return fieldRefusal(parsed.field, parsed.error);
    const detail = await readIncident(id.data, { asOf: parsed.params.as_of, now: parsed.params.now }, actor);
    if (!detail) return fieldRefusal("id", `No incident "${id.data}"`, "not_found");
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
  }),
);
