import "server-only";

import { resetInput } from "@/lib/breakers/schemas";
import { getDeployment } from "@/lib/data/deployment";
import { resetBreaker as resetInEngine } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

import { BREAKER_PAGES, breakerWriteRequest, defineAction, fromOutcome } from "./authorized-action";

/** Reset one key (admin only, destructive; the entity id typed again to confirm). */
export const resetBreaker = defineAction({
  name: "reset_breaker",
  permission: "reset",
  input: resetInput,
  revalidate: BREAKER_PAGES,
  run: async ({ processor, entity_id, analysis_date, ...input }, actor) =>
    fromOutcome(await resetInEngine(getWarehouse(), { processor, entity_id, analysis_date }, breakerWriteRequest(actor, input, { now: new Date().toISOString(), deployment: getDeployment() }))),
});
