import "server-only";

import type { Action, ActionResult } from "@/lib/actions/authorized-action";
import { actorOfToken, bearerToken } from "@/lib/auth/api-tokens";
import { PERMISSIONS, type Permission } from "@/lib/auth/roles";
import { type Actor, AuthError, requireRole, sessionActorOf } from "@/lib/auth/session";
import { MonitoringParamError } from "@/lib/data/monitoring";
import { type ApiError, fieldRefusal, HTTP_STATUS, refusal } from "@/lib/errors";
import { isOwnOrigin } from "@/lib/security/request-policy";
import { WarehouseError } from "@/lib/warehouse/types";

/**
 * The opening every API route shares: who is asking (authenticate), whether they may (role),
 * then the route's own parse, data and response — `readRoute` for reads, `writeRoute` for the
 * JSON writes (which adds the cross-site check for browser sessions and runs the same authorized
 * action the console's forms use). Every refusal, expected or thrown, is answered here with the
 * one shape and status of lib/errors.ts.
 *
 * Not a "use server" module, and it must never become one: every export of such a module is an
 * endpoint a browser can POST to with any arguments.
 */

const MAX_BODY_BYTES = 1024 * 1024;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** A refusal as its response: the one body, with the status its code answers. */
export function errorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  return json(error, HTTP_STATUS[error.code], headers);
}

/**
 * A browser session rides on a cookie the browser attaches to any site's request, so a
 * cross-site POST must be refused: its Origin (or Sec-Fetch-Site) gives it away.
 */
export function isForeignOrigin(request: Request): boolean {
  if (request.headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  // An allowed host (NEXTAUTH_URL, ALLOWED_HOSTS, the demo's loopback names), and the one the
  // request went to: a DNS-rebinding page's Origin equals its Host, but its name is not allowed.
  return !isOwnOrigin(origin, request.headers.get("host") ?? new URL(request.url).host);
}

/**
 * The actor behind a request: an API token when it sends `Authorization: Bearer …` (then only
 * the token counts: a bad token is 401 even with a session cookie), otherwise the browser session.
 */
async function actorOf(request: Request): Promise<Actor | null> {
  const token = bearerToken(request);
  if (token !== null) return actorOfToken(token);
  return sessionActorOf(request);
}

/**
 * Who is asking, as a refusal when nobody (401) or when a token, or whether a session was signed
 * out, could not be checked because the warehouse did not answer (503, never a silent pass).
 */
export async function authenticate(request: Request): Promise<{ ok: true; actor: Actor } | { ok: false; response: Response }> {
  try {
    const actor = await actorOf(request);
    if (actor) return { ok: true, actor };
    return { ok: false, response: errorResponse(refusal("unauthorized", "Sign in or send a valid API token")) };
  } catch (error) {
    console.error("[api] the credentials could not be checked", error instanceof Error ? error.message : error);
    return { ok: false, response: errorResponse(refusal("unavailable", "Your credentials could not be checked: the warehouse did not answer")) };
  }
}

/**
 * The body, refused past MAX_BODY_BYTES bytes as it streams in (a missing or lying
 * Content-Length cannot make the server buffer more), then parsed as JSON.
 */
async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }> {
  const tooLarge = { ok: false as const, error: fieldRefusal("body", `body is larger than ${MAX_BODY_BYTES} bytes`, "too_large") };
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader!.cancel();
      return tooLarge;
    }
    chunks.push(chunk.value);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown };
  } catch {
    return { ok: false, error: fieldRefusal("body", "body must be JSON") };
  }
}

export function resultResponse<T>(result: ActionResult<T>, created = true): Response {
  if (result.ok) return json({ ok: true, replay: result.replay, ...result.data }, created && !result.replay ? 201 : 200);
  return errorResponse(result);
}

/** POST handler for an action: 401/403 before the body is even read, then 400/409/2xx. */
export function writeRoute<T>(action: Pick<Action<T>, "runAs">, options: { creates?: boolean } = {}) {
  return async (request: Request): Promise<Response> => {
    const auth = await authenticate(request);
    if (!auth.ok) return auth.response;
    const { actor } = auth;
    if (actor.via === "session" && isForeignOrigin(request)) return errorResponse(refusal("forbidden", "Cross-site request refused"));
    const body = await readJson(request);
    if (!body.ok) return errorResponse(body.error);
    return resultResponse(await action.runAs(actor, body.value), options.creates ?? true);
  };
}

/** A read's failure as a refusal: the caller's (role, parameter), or the warehouse's, logged. */
function refusalOf(error: unknown, route: string, what: string): ApiError {
  if (error instanceof AuthError) return refusal(error.status === 401 ? "unauthorized" : "forbidden", error.message);
  if (error instanceof MonitoringParamError) return fieldRefusal(error.field, error.message);
  console.error(`[api] ${route} failed`, error instanceof WarehouseError ? error.detail : error);
  if (error instanceof WarehouseError) return refusal("unavailable", error.message);
  return refusal("failed", what);
}

export interface ReadSpec {
  /** The route, for logs. */
  route: string;
  /** What the caller must be allowed to do; console reads by default. */
  permission?: Permission;
  /** The safe message of an unexpected failure ("The incidents could not be read"). */
  what: string;
  /** Headers of every answer, refusals included. */
  headers?: Record<string, string>;
}

/**
 * GET handler for a read: 401 anonymous, 403 without the permission, then the route's parse,
 * data and response. `read` answers a Response, or a refusal (a parameter at fault) to be sent
 * in the one shape; what it throws is mapped here (a role the data layer refused, a parameter it
 * refused, a warehouse that failed: 503 with its safe message; anything else: 500).
 */
export function readRoute<C = unknown>(spec: ReadSpec, read: (request: Request, actor: Actor, context: C) => Promise<Response | ApiError>) {
  return async (request: Request, context?: C): Promise<Response> => {
    const auth = await authenticate(request);
    if (!auth.ok) return auth.response;
    try {
      await requireRole(PERMISSIONS[spec.permission ?? "read"], auth.actor);
      const answer = await read(request, auth.actor, context as C);
      return answer instanceof Response ? answer : errorResponse(answer, spec.headers);
    } catch (error) {
      return errorResponse(refusalOf(error, spec.route, spec.what), spec.headers);
    }
  };
}
