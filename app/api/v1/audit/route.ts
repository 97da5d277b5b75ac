import { csvStreamResponse } from "@/lib/api/csv-stream";
import { readRoute, json } from "@/lib/api/handler";
import { auditListParams } from "@/lib/breakers/schemas";
import { AUDIT_CSV_COLUMNS, auditCsvLines, listAuditPage } from "@/lib/data/audit";
import { fieldRefusal, invalid } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * `GET /api/v1/audit?actor&action&processor&date_from&date_to&page&page_size&sort&dir[&format=csv]`:
 * one page of the audit, sorted (`created_at`, `actor`, `action`, `key_count`; newest first by
 * default) and filtered in the warehouse → `{ rows, page, page_size, total, keys_shown }`. Each
 * record carries `key_count`, its first `keys_shown` keys (`keys_truncated` when it has more: all
 * of them are paged at `/api/v1/audit/<audit_id>/keys`) and, for an override, `outcome_counts`
 * over all its keys. `format=csv`: every key row of every selected record, in the same order
 * (`page` and `page_size` do not apply), streamed from the warehouse a chunk at a time.
 *
 * 401 anonymous, 403 for a role that may not read, 400 naming the field at fault.
 */
export const GET = readRoute({ route: "audit", what: "The audit log could not be read" }, async (request, actor) => {
  const { format, ...query } = Object.fromEntries(new URL(request.url).searchParams);
  if (format !== undefined && format !== "json" && format !== "csv") return fieldRefusal("format", "format must be json or csv");
  const parsed = auditListParams.safeParse(query);
  if (!parsed.success) return invalid(parsed.error);
  if (format === "csv") return csvStreamResponse("breaker-audit.csv", AUDIT_CSV_COLUMNS, await auditCsvLines(parsed.data, actor));
  return json(await listAuditPage(parsed.data, actor));
});
