import { json, readRoute } from "@/lib/api/handler";
import { auditIdField, auditKeysParams } from "@/lib/breakers/schemas";
import { getAuditKeys } from "@/lib/data/audit";
import { fieldRefusal, invalid } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * `GET /api/v1/audit/<audit_id>/keys?page&page_size`: every key one audit record changed, a page
 * at a time (`page_size` ≤ 500, default 100) in the order the write listed them, each with its
 * state before → after and, for an override, what it led to → `{ record, rows, page, page_size,
 * total }` (`total` is the record's `key_count`).
 *
 * 401 anonymous, 403 for a role that may not read, 400 naming the malformed id, `page` or
 * `page_size`, 404 for an unknown record.
 */
export const GET = readRoute<{ params: Promise<{ auditId: string }> }>({ route: "audit/[auditId]/keys", what: "The audit record's keys could not be read" }, async (request, actor, { params }) => {
  const id = auditIdField.safeParse((await params).auditId);
  if (!id.success) return fieldRefusal("audit_id", `audit_id ${id.error.issues[0]!.message}`);
  const parsed = auditKeysParams.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return invalid(parsed.error);
  const page = await getAuditKeys(id.data, parsed.data, actor);
  if (!page) return fieldRefusal("audit_id", `No audit record "${id.data}"`, "not_found");
  return json(page);
});
