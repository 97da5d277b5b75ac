import "server-only";

import { resetInput } from "@/lib/breakers/schemas";
import { getDeployment } from "@/lib/data/deployment";
import { resetBreaker as resetInEngine } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

import { defineAction, fromOutcome } from "./authorized-action";

/** Reset one key (admin only, destructive; the entity id typed again to confirm). */
export const resetBreaker = defineAction({
  name: "reset_breaker",
  permission: "reset",
  input: resetInput,
  revalidate: ["/", "/breakers", "/audit"],
  run: async (input, actor) =>
    fromOutcome(
      await resetInEngine(
        getWarehouse(),
        { processor: input.processor, entity_id: input.entity_id, analysis_date: input.analysis_date },
        { actor: actor.name, role: actor.role, reasonCode: null, reason: input.reason, requestId: input.request_id, now: new Date().toISOString(), deployment: getDeployment() },
      ),
    ),
});
