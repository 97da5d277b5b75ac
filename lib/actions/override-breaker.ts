import "server-only";

import { overrideInput } from "@/lib/breakers/schemas";
import { getDeployment } from "@/lib/data/deployment";
import { overrideBreaker as overrideInEngine } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

import { BREAKER_PAGES, breakerWriteRequest, defineAction, fromOutcome } from "./authorized-action";

/**
 * Override one active breaker (operator). Written under the name the deployment's pipeline reads
 * for the processor; the answer's `consequence` says what the override really does there.
 */
export const overrideBreaker = defineAction({
  name: "override_breaker",
  permission: "override",
  input: overrideInput,
  revalidate: BREAKER_PAGES,
  run: async ({ processor, entity_id, analysis_date, ...input }, actor) =>
    fromOutcome(await overrideInEngine(getWarehouse(), { processor, entity_id, analysis_date }, breakerWriteRequest(actor, input, { now: new Date().toISOString(), deployment: getDeployment() }))),
});
