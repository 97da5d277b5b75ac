import "server-only";

import { checkInput, outcomesInput } from "@/lib/checks/schemas";
import { getSeasonCalendar } from "@/lib/data/calendar";
import { getDeployment } from "@/lib/data/deployment";
import { type CheckContext, type CheckOutcome, checkRun, recordOutcomes } from "@/lib/engine/checks";
import { getWarehouse } from "@/lib/warehouse";
import { isUnavailable } from "@/lib/warehouse/retry";
import { WarehouseError } from "@/lib/warehouse/types";

import type { Actor } from "@/lib/auth/session";
import { fieldRefusal, refusal } from "@/lib/errors";

import { type ActionResult, BREAKER_PAGES, defineAction } from "./authorized-action";

/**
 * The check service's two verbs, for `pipeline` tokens only (lib/engine/checks.ts). A warehouse
 * that does not answer (or answers "not now") is 503, which the client retries — never an answer
 * that lets a processor run on unchecked data (the original's check failed open and processed
 * everything). A request the warehouse refused for good (an invalid query, a denied access, a
 * spent quota) is a 500 with its safe message: retrying would not help, and on-call should not
 * look for an outage.
 */

function contextOf(actor: Actor): CheckContext {
  return { actor, now: new Date().toISOString(), deployment: getDeployment(), calendar: getSeasonCalendar() };
}

function fromCheck<T>(outcome: CheckOutcome<T>): ActionResult<T> {
  if (outcome.ok) return outcome;
  if (outcome.error === "invalid") return fieldRefusal(outcome.field, outcome.message);
  if (outcome.error === "reused") return fieldRefusal("run_id", outcome.message, "reused");
  return refusal(outcome.error, outcome.message);
}

async function unlessUnavailable<T>(run: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof WarehouseError && isUnavailable(error))) throw error;
    console.error("[checks] the warehouse did not answer", { message: error.message, detail: error.detail });
    return refusal("unavailable", `The warehouse did not answer (${error.message}); nothing was decided or written. Retry with the same run_id.`);
  }
}

/** Decide a processor run's entities (and with `record`, record its skips). */
export const checkProcessorRun = defineAction({
  name: "check_processor_run",
  permission: "check",
  input: checkInput,
  run: (input, actor) => unlessUnavailable(async () => fromCheck(await checkRun(getWarehouse(), input, contextOf(actor)))),
});

/** Record what a processor run did with the entities it checked. */
export const reportRunOutcomes = defineAction({
  name: "report_run_outcomes",
  permission: "check",
  input: outcomesInput,
  revalidate: BREAKER_PAGES,
  run: (input, actor) => unlessUnavailable(async () => fromCheck(await recordOutcomes(getWarehouse(), input, contextOf(actor)))),
});
