import "server-only";

import { revalidatePath } from "next/cache";
import type { z } from "zod";

import { PERMISSIONS, type Permission } from "@/lib/auth/roles";
import { AuthError, type Actor, getSessionActor, isAuthenticated, requireRole } from "@/lib/auth/session";
import type { Deployment } from "@/lib/completeness/deployment";
import { noteWrite } from "@/lib/engine/data-version";
import type { WriteOutcome } from "@/lib/engine/breaker-writes";
import { type ApiError, fieldRefusal, invalid, refusal } from "@/lib/errors";
import { WarehouseError } from "@/lib/warehouse/types";

/**
 * Every write goes through here: the permission check first, then the zod parse, then the engine
 * call (which appends the breaker rows and the audit record together), then revalidation.
 * Server actions are reachable by a direct POST, so each checks authorization itself here —
 * never only through page guards or the proxy. Expected failures come back as typed results
 * (`ApiError`, lib/errors.ts); unexpected ones are logged with their detail and reported with a
 * safe message.
 *
 * Who is acting is never taken from the caller. An action has two entries:
 * - `action(raw)`, for server actions: the actor is the current request's session, read here.
 *   It takes one argument; whatever else a browser sends is ignored.
 * - `action.runAs(actor, raw)`, for API routes (lib/api/handler.ts): `actor` must be one the
 *   server authenticated from the request's session cookie or token (`isAuthenticated`); any
 *   other object, however it is shaped, is refused as unauthenticated. It is a property of the
 *   action, never an export of a "use server" module, so no browser can reach it.
 */
export type ActionError = ApiError;
export type ActionResult<T> = { ok: true; replay: boolean; data: T } | ApiError;

export interface Action<T> {
  /** The server-action entry: acts as the current session. */
  (raw: unknown): Promise<ActionResult<T>>;
  /** The API-route entry: acts as an actor the server authenticated from the request. */
  runAs(actor: Actor, raw: unknown): Promise<ActionResult<T>>;
}

export function fromOutcome<T>(outcome: WriteOutcome<T>): ActionResult<T> {
  if (outcome.ok) return outcome;
  if (outcome.error === "invalid") return refusal("invalid", `${outcome.field} ${outcome.message}`, { [outcome.field]: [outcome.message] });
  if (outcome.error === "reused") return fieldRefusal("request_id", outcome.message, "reused");
  return refusal(outcome.error, outcome.message);
}

/** The pages every breaker write changes. */
export const BREAKER_PAGES = ["/", "/breakers", "/audit"];

/**
 * What the engine records of an operator's breaker write: who (name and role, from the actor the
 * action authenticated), why, the request id that makes it idempotent, and when (`at.now`), under
 * the deployment in force (`at.deployment`).
 */
export function breakerWriteRequest(actor: Actor, input: { reason: string; request_id: string; reason_code?: string }, at: { now: string; deployment: Deployment }) {
  return { actor: actor.name, role: actor.role, reasonCode: input.reason_code ?? null, reason: input.reason, requestId: input.request_id, ...at };
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
  /** What the caller must be allowed to do (lib/auth/roles.ts). */
  permission: Permission;
  input: S;
  run: (input: z.output<S>, actor: Actor) => Promise<ActionResult<T>>;
  /** Pages whose data the write changes. */
  revalidate?: string[];
}): Action<T> {
  async function perform(who: Actor | null, raw: unknown): Promise<ActionResult<T>> {
    let actor: Actor;
    try {
      actor = await requireRole(PERMISSIONS[spec.permission], who);
    } catch (error) {
      if (error instanceof AuthError) return refusal(error.status === 401 ? "unauthorized" : "forbidden", error.message);
      throw error;
    }
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    try {
      const result = await spec.run(parsed.data, actor);
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
      return refusal("failed", error instanceof WarehouseError ? error.message : "The write failed; nothing was changed.");
    }
  }
  // One parameter: a server action's extra arguments never reach anything.
  const action = async (raw: unknown) => perform(await getSessionActor(), raw);
  const runAs = async (actor: Actor, raw: unknown) => perform(isAuthenticated(actor) ? actor : null, raw);
  return Object.assign(action, { runAs });
}
