import { restoreReset } from "@/lib/actions/restore-reset";
import { json, readRoute, writeRoute } from "@/lib/api/handler";
import { resetRefInput } from "@/lib/breakers/schemas";
import { getRestorePreview } from "@/lib/data/restores";
import { RESET_LOOKUP_DAYS } from "@/lib/engine/breaker-writes";
import { invalid, refusal } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** POST: restore the rows a reset deleted (admin). */
export const POST = writeRoute(restoreReset);

/**
 * GET ?audit_id=…|reset_request_id=…: what a restore of that reset would put back, and whether
 * it can now (viewer). Writes nothing.
 */
export const GET = readRoute({ route: "breakers/restore", what: "The reset could not be read" }, async (request, actor) => {
  const parsed = resetRefInput.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return invalid(parsed.error);
  const ref = parsed.data.audit_id !== undefined ? { auditId: parsed.data.audit_id } : { requestId: parsed.data.reset_request_id! };
  const preview = await getRestorePreview(ref, actor);
  if (!preview) return refusal("not_found", `No such reset in the last ${RESET_LOOKUP_DAYS} days`);
  return json({ ok: true, ...preview });
});
