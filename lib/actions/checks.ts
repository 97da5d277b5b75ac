import "server-only";

import { checkInput, outcomesInput } from "@/lib/checks/schemas";
import { getSeasonCalendar } from "@/lib/data/calendar";
import { getDeployment } from "@/lib/data/deployment";
import { type CheckContext, type CheckOutcome, checkRun, recordOutcomes } from "@/lib/engine/checks";
import { getWarehouse } from "@/lib/warehouse";
import { isUnavailable } from "@/lib/warehouse/retry";
import { WarehouseError } from "@/lib/warehouse/types";

import { type ActionResult, defineAction } from "./authorized-action";
import type { Actor } from "@/lib/auth/session";

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
  if (outcome.error === "invalid") return { ok: false, code: "invalid", error: outcome.message, fieldErrors: { [outcome.field]: [outcome.message] } };
  if (outcome.error === "reused") return { ok: false, code: "reused", error: outcome.message, fieldErrors: { run_id: [outcome.message] } };
  return { ok: false, code: outcome.error, error: outcome.message };
}

async function unlessUnavailable<T>(run: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof WarehouseError && isUnavailable(error))) throw error;
    console.error("[checks] the warehouse did not answer", { message: error.message, detail: error.detail });
    return { ok: false, code: "unavailable", error: `The warehouse did not answer (${error.message}); nothing was decided or written. Retry with the same run_id.` };
  }
}

/** Decide a processor run's entities (and with `record`, record its skips). */
export const checkProcessorRun = defineAction({
  name: "check_processor_run",
  role: "pipeline",
  input: checkInput,
  run: (input, actor) => unlessUnavailable(async () => fromCheck(await checkRun(getWarehouse(), input, contextOf(actor)))),
});

/** Record what a processor run did with the entities it checked. */
export const reportRunOutcomes = defineAction({
  name: "report_run_outcomes",
  role: "pipeline",
  input: outcomesInput,
  revalidate: ["/", "/breakers", "/audit"],
  run: (input, actor) => unlessUnavailable(async () => fromCheck(await recordOutcomes(getWarehouse(), input, contextOf(actor)))),
});
