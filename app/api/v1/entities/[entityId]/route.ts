import { authenticate, json } from "@/lib/api/handler";
import { AuthError } from "@/lib/auth/session";
import { getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { getEntityDetail } from "@/lib/data/entity";

export const dynamic = "force-dynamic";

/**
 * `GET /api/v1/entities/<entity_id>?date=YYYY-MM-DD&processor=<name>`: the entity page's content
 * as JSON (stored columns, windows with missing games named, breaker timeline and state, live
 * recheck and verdict per processor) — what `completeness check` prints.
 *
 * 200 `{ status: "found", … }`; 400 `{ status: "invalid", message, suggestion }` for a malformed
 * id or date, or `{ error, field: "processor" }`; 404 `{ status: "not_found", message, hint,
 * suggestion }` (the closest known id when the id looks like a typo of one).
 */
export async function GET(request: Request, { params }: { params: Promise<{ entityId: string }> }) {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  const { entityId } = await params;
  const search = new URL(request.url).searchParams;
  const rawProcessor = search.get("processor");
  const processor = rawProcessor === null ? null : resolveProcessorName(rawProcessor);
  if (rawProcessor !== null && !processor) return json({ error: `processor "${rawProcessor}" is not a known processor`, field: "processor" }, 400);

  try {
    const detail = await getEntityDetail(entityId, search.get("date") ?? undefined, { actor: auth.actor });
    if (detail.status === "invalid") return json(detail, 400);
    if (detail.status === "not_found") return json(detail, 404);
    if (!processor) return json(detail);
    const sections = detail.processors.filter((s) => s.processor === processor);
    if (sections.length === 0) {
      const def = getProcessor(processor);
      return json({ error: `${processor} does not process ${detail.kindLabel.toLowerCase()} entities (it keys ${def.entityKind} ids)`, field: "processor" }, 400);
    }
    return json({ ...detail, processors: sections });
  } catch (error) {
    if (error instanceof AuthError) return json({ error: error.message }, error.status);
    throw error;
  }
}
