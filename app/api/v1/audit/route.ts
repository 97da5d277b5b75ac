import { readRoute, json } from "@/lib/api/handler";
import { auditFilter } from "@/lib/breakers/schemas";
import { auditCsv, listAudit } from "@/lib/data/audit";
import { invalid } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** GET /api/v1/audit?actor&action&processor&date_from&date_to[&format=csv] */
export const GET = readRoute({ route: "audit", what: "The audit log could not be read" }, async (request, actor) => {
  const { format, ...query } = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = auditFilter.safeParse(query);
  if (!parsed.success) return invalid(parsed.error);
  const rows = await listAudit(parsed.data, actor);
  if (format === "csv") {
    return new Response(auditCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="breaker-audit.csv"',
        "Cache-Control": "no-store",
      },
    });
  }
  return json({ rows });
});
