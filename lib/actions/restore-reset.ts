import "server-only";

import { restoreInput } from "@/lib/breakers/schemas";
import { getDeployment } from "@/lib/data/deployment";
import { restoreReset as restoreInEngine } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

import { BREAKER_PAGES, breakerWriteRequest, defineAction, fromOutcome } from "./authorized-action";

/**
 * Put back the rows a reset deleted (admin only; once, within 30 days, refused when the key
 * changed since). The reset is named by its audit id or its request id; the key's entity id is
 * typed again to confirm.
 */
export const restoreReset = defineAction({
  name: "restore_reset",
  permission: "restore",
  input: restoreInput,
  revalidate: BREAKER_PAGES,
  run: async (input, actor) =>
    fromOutcome(
      await restoreInEngine(getWarehouse(), input.audit_id !== undefined ? { auditId: input.audit_id } : { requestId: input.reset_request_id! }, {
        ...breakerWriteRequest(actor, input, { now: new Date().toISOString(), deployment: getDeployment() }),
        confirm: input.confirm,
      }),
    ),
});
