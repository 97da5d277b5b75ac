import "server-only";

import { z } from "zod";

import type { Actor } from "@/lib/auth/session";
import { bulkApplyInput, bulkSelection, type BulkSelection, isIncidentSelection } from "@/lib/breakers/schemas";
import type { Deployment } from "@/lib/completeness/deployment";
import { getSeasonCalendar } from "@/lib/data/calendar";
import { getDeployment } from "@/lib/data/deployment";
import { readIncident } from "@/lib/data/incidents";
import type { BreakerKeyRef, BulkPreview } from "@/lib/breakers/changes";
import { applyBulkOverride, previewBulkOverride } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { incidentRecoveredKeys } from "@/lib/engine/incidents";
import { refusal } from "@/lib/errors";
import { getWarehouse } from "@/lib/warehouse";

import { type ActionError, BREAKER_PAGES, breakerWriteRequest, defineAction, fromOutcome } from "./authorized-action";

/**
 * Bulk override in two steps. Preview: the selection picks active keys; the answer lists exactly
 * those keys with before → after and a token bound to the set and each key's state. Apply:
 * the server selects again with the same selection, recomputes the token, and writes all of the
 * keys or none — refused if anything changed since the preview (re-preview). Both answers carry
 * `consequence`: what the override really does for the selected processors' breaker readers.
 *
 * A selection is a filter (dates, processors, skip reasons, entities) or one incident: then the
 * keys are the incident's keys whose data has recovered, chosen here on the server each time —
 * the client names the incident, never the keys. Previewing an incident nobody can find is
 * `not_found`; an apply is not asked again (a retried apply must get its result even once the
 * incident it closed is gone), and an incident that selects nothing now is a stale preview.
 */
async function select(selection: BulkSelection, now: string, deployment: Deployment): Promise<BreakerKeyRef[]> {
  if (isIncidentSelection(selection)) return incidentRecoveredKeys(getWarehouse(), selection.incident, { now, deployment, calendar: getSeasonCalendar() });
  return selectActiveKeys(getWarehouse(), selection, now, deployment, getSeasonCalendar());
}

async function unknownIncident(selection: BulkSelection, now: string, actor: Actor): Promise<ActionError | null> {
  if (!isIncidentSelection(selection) || (await readIncident(selection.incident, { now }, actor))) return null;
  return refusal("not_found", `No incident "${selection.incident}"`, { incident: ["is not a known incident"] });
}

export const previewBulkOverrideAction = defineAction({
  name: "preview_bulk_override",
  permission: "override",
  input: bulkSelection,
  run: async (selection, actor): Promise<{ ok: true; replay: false; data: BulkPreview } | ActionError> => {
    const now = new Date().toISOString();
    const deployment = getDeployment();
    const unknown = await unknownIncident(selection, now, actor);
    if (unknown) return unknown;
    return { ok: true, replay: false, data: await previewBulkOverride(getWarehouse(), await select(selection, now, deployment), now, deployment) };
  },
});

export const applyBulkOverrideAction = defineAction({
  name: "bulk_override_breakers",
  permission: "override",
  input: bulkApplyInput,
  revalidate: BREAKER_PAGES,
  run: async (input, actor) => {
    const now = new Date().toISOString();
    const deployment = getDeployment();
    const keys = await select(input.filter, now, deployment);
    return fromOutcome(
      await applyBulkOverride(getWarehouse(), keys, input.token, breakerWriteRequest(actor, input, { now, deployment })),
    );
  },
});

export type BulkApplyInput = z.input<typeof bulkApplyInput>;
