import { authenticate, json } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { auditFilter } from "@/lib/breakers/schemas";
import { fieldErrorsOf } from "@/lib/actions/authorized-action";
import { auditCsv, listAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";

/** GET /api/v1/audit?actor&action&processor&date_from&date_to[&format=csv] */
export async function GET(request: Request) {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const { actor } = auth;
  const { format, ...query } = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = auditFilter.safeParse(query);
  if (!parsed.success) {
    const [field, messages] = Object.entries(fieldErrorsOf(parsed.error))[0]!;
    return json({ error: `${field} ${messages[0]}`, field }, 400);
  }
  try {
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
  } catch (error) {
    if (error instanceof AuthError) return json({ error: error.message }, error.status);
    throw error;
  }
}
