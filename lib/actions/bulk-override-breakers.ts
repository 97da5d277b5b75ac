import "server-only";

import { z } from "zod";

import { bulkApplyInput, bulkFilter, type BulkFilter } from "@/lib/breakers/schemas";
import { type BulkPreview, applyBulkOverride, previewBulkOverride } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { getWarehouse } from "@/lib/warehouse";

import { defineAction, fromOutcome } from "./authorized-action";

/**
 * Bulk override in two steps. Preview: the filter selects active keys; the answer lists exactly
 * those keys with before → after and a token bound to the set and each key's state. Apply:
 * the server selects again with the same filter, recomputes the token, and writes all of the
 * keys or none — refused if anything changed since the preview (re-preview).
 */
async function select(filter: BulkFilter, now: string) {
  return selectActiveKeys(getWarehouse(), filter, now);
}

export const previewBulkOverrideAction = defineAction({
  name: "preview_bulk_override",
  role: "operator",
  input: bulkFilter,
  run: async (filter): Promise<{ ok: true; replay: false; data: BulkPreview }> => {
    const now = new Date().toISOString();
    return { ok: true, replay: false, data: await previewBulkOverride(getWarehouse(), await select(filter, now), now) };
  },
});

export const applyBulkOverrideAction = defineAction({
  name: "bulk_override_breakers",
  role: "operator",
  input: bulkApplyInput,
  revalidate: ["/", "/breakers", "/audit"],
  run: async (input, actor) => {
    const now = new Date().toISOString();
    const keys = await select(input.filter, now);
    return fromOutcome(
      await applyBulkOverride(getWarehouse(), keys, input.token, {
        actor: actor.name,
        role: actor.role,
        reasonCode: input.reason_code,
        reason: input.reason,
        requestId: input.request_id,
        now,
      }),
    );
  },
});

export type BulkApplyInput = z.input<typeof bulkApplyInput>;
