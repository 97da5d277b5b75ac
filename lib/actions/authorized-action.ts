import "server-only";

import { revalidatePath } from "next/cache";
import type { z } from "zod";

import { AuthError, type Actor, requireRole } from "@/lib/auth/session";
import type { Role } from "@/lib/auth/roles";
import { noteWrite } from "@/lib/data/monitoring";
import type { WriteOutcome } from "@/lib/engine/breaker-writes";
import { WarehouseError } from "@/lib/warehouse/types";

/**
 * Every write goes through here (STYLE principle 7): the role check first, then the zod parse,
 * then the engine call (which appends the breaker rows and the audit record together), then
 * revalidation. Server actions are reachable by a direct POST, so each checks authorization
 * itself here — never only through page guards or the proxy. Expected failures come back as
 * typed results; unexpected ones are logged with their detail and reported with a safe message.
 */
export type ActionError = {
  ok: false;
  code: "unauthorized" | "forbidden" | "invalid" | "not_found" | "conflict" | "stale" | "reused" | "failed" | "unavailable";
  error: string;
  fieldErrors?: Record<string, string[]>;
};
export type ActionResult<T> = { ok: true; replay: boolean; data: T } | ActionError;

export const HTTP_STATUS: Record<ActionError["code"], number> = {
  unauthorized: 401,
  forbidden: 403,
  invalid: 400,
  not_found: 404,
  conflict: 409,
  stale: 409,
  // The request id names another request: the client's mistake, and nothing was written.
  reused: 422,
  failed: 500,
  // The warehouse did not answer: nothing was decided or written; retry later.
  unavailable: 503,
};

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join(".") : "body";
    (out[field] ??= []).push(issue.message);
  }
  return out;
}

export function invalid(error: z.ZodError): ActionError {
  const fieldErrors = fieldErrorsOf(error);
  const [field, messages] = Object.entries(fieldErrors)[0]!;
  return { ok: false, code: "invalid", error: `${field} ${messages[0]}`, fieldErrors };
}

export function fromOutcome<T>(outcome: WriteOutcome<T>): ActionResult<T> {
  if (outcome.ok) return outcome;
  if (outcome.error === "not_found") return { ok: false, code: "not_found", error: outcome.message };
  if (outcome.error === "invalid") return { ok: false, code: "invalid", error: `${outcome.field} ${outcome.message}`, fieldErrors: { [outcome.field]: [outcome.message] } };
  const code = outcome.error === "forbidden" ? "forbidden" : outcome.error === "conflict" ? "conflict" : outcome.error === "reused" ? "reused" : "stale";
  if (code === "reused") return { ok: false, code, error: outcome.message, fieldErrors: { request_id: [outcome.message] } };
  return { ok: false, code, error: outcome.message };
}

/** Outside a Next request (tests, scripts) there is nothing to revalidate. */
function revalidate(path: string): void {
  try {
    revalidatePath(path);
  } catch {
    /* not in a request */
  }
}

export function defineAction<S extends z.ZodTypeAny, T>(spec: {
  name: string;
  role: Role;
  input: S;
  run: (input: z.output<S>, actor: Actor) => Promise<ActionResult<T>>;
  /** Pages whose data the write changes. */
  revalidate?: string[];
}) {
  /** `actor`: given by API routes (session or token); server actions use the session. */
  return async (raw: unknown, actor?: Actor | null): Promise<ActionResult<T>> => {
    let who: Actor;
    try {
      who = await requireRole(spec.role, actor);
    } catch (error) {
      if (error instanceof AuthError) return { ok: false, code: error.status === 401 ? "unauthorized" : "forbidden", error: error.message };
      throw error;
    }
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    try {
      const result = await spec.run(parsed.data, who);
      if (result.ok && !result.replay) {
        // The monitoring reads are cached per process for CACHE_TTL_SECONDS and their default
        // `now` is rounded to it: without this, the overridden key would stay in "active
        // breakers" (pages and API) until the TTL ran out.
        noteWrite();
        for (const path of spec.revalidate ?? []) revalidate(path);
      }
      return result;
    } catch (error) {
      console.error(`[action:${spec.name}] failed`, error instanceof WarehouseError ? { message: error.message, detail: error.detail } : error);
      const message = error instanceof WarehouseError ? error.message : "The write failed; nothing was changed.";
      return { ok: false, code: "failed", error: message };
    }
  };
}
