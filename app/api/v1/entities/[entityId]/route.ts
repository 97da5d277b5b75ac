import { json, readRoute } from "@/lib/api/handler";
import { getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityInvalid, EntityNotFound } from "@/lib/entities/view";
import { fieldRefusal } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** A refusal's message: the reason, then the closest known id and how ids are written. */
function messageOf(detail: EntityInvalid | EntityNotFound): string {
  const hint = detail.status === "not_found" && !detail.message.includes(detail.hint) ? detail.hint : "";
  return [detail.message, detail.suggestion ? `Did you mean ${detail.suggestion}?` : "", hint].filter(Boolean).join(" ");
}

/**
 * `GET /api/v1/entities/<entity_id>?date=YYYY-MM-DD&processor=<name>`: the entity page's content
 * as JSON (stored columns, windows with missing games named, breaker timeline and state, live
 * recheck and verdict per processor) — what `completeness check` prints.
 *
 * 200 `{ status: "found", … }`; 400 for a malformed id, date or processor, 404 for an entity with
 * no row — their message names the closest known id when the id looks like a typo of one.
 */
export const GET = readRoute<{ params: Promise<{ entityId: string }> }>(
  { route: "entities", what: "The entity could not be read" },
  async (request, actor, { params }) => {
    const { entityId } = await params;
    const search = new URL(request.url).searchParams;
    const rawProcessor = search.get("processor");
    const processor = rawProcessor === null ? null : resolveProcessorName(rawProcessor);
    if (rawProcessor !== null && !processor) return fieldRefusal("processor", `processor "${rawProcessor}" is not a known processor`);

    const date = search.get("date") ?? undefined;
    const detail = await getEntityDetail(entityId, date, { actor });
    if (detail.status === "invalid") return fieldRefusal(detail.input === entityId ? "entity_id" : "date", messageOf(detail));
    if (detail.status === "not_found") return fieldRefusal("entity_id", messageOf(detail), "not_found");
    if (!processor) return json(detail);
    const sections = detail.processors.filter((s) => s.processor === processor);
    if (sections.length === 0) {
      const def = getProcessor(processor);
      return fieldRefusal("processor", `${processor} does not process ${detail.kindLabel.toLowerCase()} entities (it keys ${def.entityKind} ids)`);
    }
    return json({ ...detail, processors: sections });
  },
);
