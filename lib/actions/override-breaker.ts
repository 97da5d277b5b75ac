import "server-only";

import { overrideInput } from "@/lib/breakers/schemas";
import { getDeployment } from "@/lib/data/deployment";
import { overrideBreaker as overrideInEngine } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

import { defineAction, fromOutcome } from "./authorized-action";

/**
 * Override one active breaker (operator). Written under the name the deployment's pipeline reads
 * for the processor; the answer's `consequence` says what the override really does there.
 */
export const overrideBreaker = defineAction({
  name: "override_breaker",
  permission: "override",
  input: overrideInput,
  revalidate: ["/", "/breakers", "/audit"],
  run: async (input, actor) =>
    fromOutcome(
      await overrideInEngine(
        getWarehouse(),
        { processor: input.processor, entity_id: input.entity_id, analysis_date: input.analysis_date },
        { actor: actor.name, role: actor.role, reasonCode: input.reason_code, reason: input.reason, requestId: input.request_id, now: new Date().toISOString(), deployment: getDeployment() },
      ),
    ),
});
