import "server-only";

import { type ActionResult, HTTP_STATUS } from "@/lib/actions/authorized-action";
import { actorOfToken, bearerToken } from "@/lib/auth/api-tokens";
import { type Actor, sessionActorOf } from "@/lib/auth/session";
import { isOwnOrigin } from "@/lib/security/request-policy";

/**
 * The opening every JSON write route shares (STYLE principle 11): who is asking, a CSRF check
 * for browser sessions, the JSON body, then the same authorized action the console's forms use.
 */

const MAX_BODY_BYTES = 1024 * 1024;

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
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
export async function actorOf(request: Request): Promise<Actor | null> {
  const token = bearerToken(request);
  if (token !== null) return actorOfToken(token);
  return sessionActorOf(request);
}

/**
 * Who is asking, as a response when nobody (401) or when a token, or whether a session was signed
 * out, could not be checked because the warehouse did not answer (503, never a silent pass). Every API route starts here.
 */
export async function authenticate(request: Request): Promise<{ ok: true; actor: Actor } | { ok: false; response: Response }> {
  try {
    const actor = await actorOf(request);
    if (actor) return { ok: true, actor };
    return { ok: false, response: json({ ok: false, code: "unauthorized", error: "Sign in or send a valid API token" }, 401) };
  } catch (error) {
    console.error("[api] the credentials could not be checked", error instanceof Error ? error.message : error);
    return { ok: false, response: json({ ok: false, code: "failed", error: "Your credentials could not be checked: the warehouse did not answer" }, 503) };
  }
}

/**
 * The body, refused past MAX_BODY_BYTES bytes as it streams in (a missing or lying
 * Content-Length cannot make the server buffer more), then parsed as JSON.
 */
async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const tooLarge = { ok: false as const, response: json({ error: `body is larger than ${MAX_BODY_BYTES} bytes`, field: "body" }, 413) };
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
    return { ok: false, response: json({ error: "body must be JSON", field: "body" }, 400) };
  }
}

export function resultResponse<T>(result: ActionResult<T>, created = true): Response {
  if (result.ok) return json({ ok: true, replay: result.replay, ...result.data }, created && !result.replay ? 201 : 200);
  const field = result.fieldErrors ? Object.keys(result.fieldErrors)[0] : undefined;
  return json({ ok: false, error: result.error, code: result.code, ...(field ? { field, fieldErrors: result.fieldErrors } : {}) }, HTTP_STATUS[result.code]);
}

/** POST handler for an action: 401/403 before the body is even read, then 400/409/2xx. */
export function writeRoute<T>(action: (raw: unknown, actor: Actor | null) => Promise<ActionResult<T>>, options: { creates?: boolean } = {}) {
  return async (request: Request): Promise<Response> => {
    const auth = await authenticate(request);
    if (!auth.ok) return auth.response;
    const { actor } = auth;
    if (actor.via === "session" && isForeignOrigin(request)) {
      return json({ ok: false, code: "forbidden", error: "Cross-site request refused" }, 403);
    }
    const body = await readJson(request);
    if (!body.ok) return body.response;
    return resultResponse(await action(body.value, actor), options.creates ?? true);
  };
}
