"use server";

/**
 * The console's forms call these server actions. Every export of a "use server" module is an
 * endpoint any browser can POST to with any arguments, so each export here takes exactly one
 * argument, the form's input, and hands it to an action's session entry: who is acting is read
 * from the session cookie inside the action (lib/actions/authorized-action.ts), never from
 * anything sent. Nothing here trusts the form. test/server-actions-forgery.int.test.ts calls
 * every export of every "use server" module with forged actors and proves each is refused.
 */
import { applyBulkOverrideAction, previewBulkOverrideAction } from "./bulk-override-breakers";
import { describeOverride } from "./describe-override";
import { overrideBreaker } from "./override-breaker";
import { resetBreaker } from "./reset-breaker";
import { restoreReset } from "./restore-reset";

export async function describeOverrideForm(input: unknown) { return describeOverride(input); }
export async function overrideBreakerForm(input: unknown) { return overrideBreaker(input); }
export async function previewBulkOverrideForm(filter: unknown) { return previewBulkOverrideAction(filter); }
export async function applyBulkOverrideForm(input: unknown) { return applyBulkOverrideAction(input); }
export async function resetBreakerForm(input: unknown) { return resetBreaker(input); }
export async function restoreResetForm(input: unknown) { return restoreReset(input); }
