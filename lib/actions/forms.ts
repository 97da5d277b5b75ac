"use server";

/**
 * The console's forms call these server actions. Each is reachable by a direct POST, so each
 * goes through the same authorized action as the JSON API: the role from the session cookie,
 * the zod schema, the guarded engine write, the audit record. Nothing here trusts the form.
 */
import { applyBulkOverrideAction, previewBulkOverrideAction } from "./bulk-override-breakers";
import { describeOverride } from "./describe-override";
import { overrideBreaker } from "./override-breaker";
import { resetBreaker } from "./reset-breaker";
import { restoreReset } from "./restore-reset";

export async function describeOverrideForm(input: unknown) {
  return describeOverride(input);
}

export async function overrideBreakerForm(input: unknown) {
  return overrideBreaker(input);
}

export async function previewBulkOverrideForm(filter: unknown) {
  return previewBulkOverrideAction(filter);
}

export async function applyBulkOverrideForm(input: unknown) {
  return applyBulkOverrideAction(input);
}

export async function resetBreakerForm(input: unknown) {
  return resetBreaker(input);
}

export async function restoreResetForm(input: unknown) {
  return restoreReset(input);
}
