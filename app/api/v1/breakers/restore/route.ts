import { fieldErrorsOf } from "@/lib/actions/authorized-action";
import { restoreReset } from "@/lib/actions/restore-reset";
import { authenticate, json, writeRoute } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { resetRefInput } from "@/lib/breakers/schemas";
import { getRestorePreview } from "@/lib/data/restores";
import { RESET_LOOKUP_DAYS } from "@/lib/engine/breaker-writes";

export const dynamic = "force-dynamic";

/** POST: restore the rows a reset deleted (admin). */
export const POST = writeRoute(restoreReset);

/**
 * GET ?audit_id=…|reset_request_id=…: what a restore of that reset would put back, and whether
 * it can now (viewer). Writes nothing.
 */
export async function GET(request: Request) {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const parsed = resetRefInput.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const [field, messages] = Object.entries(fieldErrorsOf(parsed.error))[0]!;
    return json({ ok: false, code: "invalid", error: `${field} ${messages[0]}`, field }, 400);
  }
  const ref = parsed.data.audit_id !== undefined ? { auditId: parsed.data.audit_id } : { requestId: parsed.data.reset_request_id! };
  try {
    const preview = await getRestorePreview(ref, auth.actor);
    if (!preview) return json({ ok: false, code: "not_found", error: `No such reset in the last ${RESET_LOOKUP_DAYS} days` }, 404);
    return json({ ok: true, ...preview });
  } catch (error) {
    if (error instanceof AuthError) return json({ ok: false, code: error.status === 401 ? "unauthorized" : "forbidden", error: error.message }, error.status);
    throw error;
  }
}
