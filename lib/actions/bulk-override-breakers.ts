import "server-only";

import { z } from "zod";

import { bulkApplyInput, bulkFilter, type BulkFilter } from "@/lib/breakers/schemas";
import type { Deployment } from "@/lib/completeness/deployment";
import { getSeasonCalendar } from "@/lib/data/calendar";
import { getDeployment } from "@/lib/data/deployment";
import { type BulkPreview, applyBulkOverride, previewBulkOverride } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { getWarehouse } from "@/lib/warehouse";

import { defineAction, fromOutcome } from "./authorized-action";

/**
 * Bulk override in two steps. Preview: the filter selects active keys; the answer lists exactly
 * those keys with before → after and a token bound to the set and each key's state. Apply:
 * the server selects again with the same filter, recomputes the token, and writes all of the
 * keys or none — refused if anything changed since the preview (re-preview). Both answers carry
 * `consequence`: what the override really does for the selected processors' breaker readers.
 */
async function select(filter: BulkFilter, now: string, deployment: Deployment) {
  return selectActiveKeys(getWarehouse(), filter, now, deployment, getSeasonCalendar());
}

export const previewBulkOverrideAction = defineAction({
  name: "preview_bulk_override",
  role: "operator",
  input: bulkFilter,
  run: async (filter): Promise<{ ok: true; replay: false; data: BulkPreview }> => {
    const now = new Date().toISOString();
    const deployment = getDeployment();
    return { ok: true, replay: false, data: await previewBulkOverride(getWarehouse(), await select(filter, now, deployment), now, deployment) };
  },
});

export const applyBulkOverrideAction = defineAction({
  name: "bulk_override_breakers",
  role: "operator",
  input: bulkApplyInput,
  revalidate: ["/", "/breakers", "/audit"],
  run: async (input, actor) => {
    const now = new Date().toISOString();
    const deployment = getDeployment();
    const keys = await select(input.filter, now, deployment);
    return fromOutcome(
      await applyBulkOverride(getWarehouse(), keys, input.token, {
        actor: actor.name,
        role: actor.role,
        reasonCode: input.reason_code,
        reason: input.reason,
        requestId: input.request_id,
        now,
        deployment,
      }),
    );
  },
});

export type BulkApplyInput = z.input<typeof bulkApplyInput>;
