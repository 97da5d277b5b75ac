import { randomBytes } from "node:crypto";
import { type IncomingHttpHeaders, type IncomingMessage, Server, type ServerResponse } from "node:http";

import { GATE_HEADER, GATE_KEY } from "./client-address";
import { ALLOWED_METHODS } from "./request-policy";
import type { ApiError, ErrorCode } from "@/lib/errors";

/**
 * The first code every request meets, before Next parses or buffers anything. Next exposes no
 * earlier hook: its proxy (middleware) gets a copy of the body and Next then waits for the WHOLE
 * body before answering — even when the proxy refused the request — and route handlers never see
 * the socket. So, on the Node HTTP server's "request" event (installed once at start-up by
 * instrumentation.ts, on the prototype, so it covers the server Next already created):
 *
 * 1. The socket's address is appended to `X-Forwarded-For` (Next keeps a client-sent header and
 *    would otherwise drop the socket's address): its rightmost entry is always the address that
 *    opened the connection (lib/security/client-address.ts judges the rest).
 * 2. The request is stamped with this process's random gate value (overwriting any the client
 *    sent), so code further in can tell a request that passed here from one that did not.
 * 3. A method the console does not serve (TRACE, PUT, …) is answered 405.
 * 4. A request with a body is refused before a byte of it is read. Sign-in (`/api/auth/`) is
 *    anonymous by nature and only gets the small limit. Anything else with a body — the API, a
 *    page (a server action) — must carry credentials, and they are checked first: 401 without a
 *    session cookie or bearer token; then (`installRequestGate`'s `verify`, asynchronously, the
 *    request held back from Next meanwhile) 401 unless the session cookie decodes with the
 *    session secret and is live and not signed out, or the bearer token is a valid API token
 *    (its lookup cache included) — 503 when that could not be checked; only then 411 without
 *    Content-Length (a streamed body cannot exceed a length it declared: Node's parser stops
 *    there) and 413 over the limit. So a forged cookie learns nothing and costs no body read.
 *    Requests without a body (GET, HEAD) are never held back.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=[^;\s]/;

export type GateRefusal = { status: 401 | 405 | 411 | 413 | 503; error: string } | null;

/** Checks a request's credentials (the cookie or bearer token the route will use); rejects when it cannot tell. */
export type VerifyCredentials = (path: string, headers: IncomingHttpHeaders) => Promise<boolean>;

const UNAUTHORIZED = { status: 401, error: "Sign in or send a valid API token" } as const;

function bodyOf(method: string, headers: Record<string, string | string[] | undefined>): { chunked: boolean; declared: string | string[] | undefined } | null {
  if (!BODY_METHODS.has(method.toUpperCase())) return null;
  const declared = headers["content-length"];
  const chunked = /chunked/i.test(String(headers["transfer-encoding"] ?? ""));
  // A DELETE or an empty POST may come without a body at all.
  if (!chunked && (declared === undefined || String(declared).trim() === "0")) return null;
  return { chunked, declared };
}

const isSignIn = (url: string) => (url.split("?")[0] ?? "/").startsWith("/api/auth/");

/**
 * Pure: what the gate answers for a request line and its headers, as far as headers alone can
 * tell (null: let it through, after `mustVerifyCredentials`' check where that applies).
 */
export function gateRefusal(method: string, url: string, headers: Record<string, string | string[] | undefined>): GateRefusal {
  // Next answers TRACE and other methods it has no handler for with a 500 and a stack trace.
  if (!(ALLOWED_METHODS as readonly string[]).includes(method.toUpperCase())) return { status: 405, error: `Method ${method} is not allowed` };
  const body = bodyOf(method, headers);
  if (!body) return null;
  const signIn = isSignIn(url);
  if (!signIn && !SESSION_COOKIE.test(String(headers.cookie ?? "")) && !/^Bearer\s+\S/i.test(String(headers.authorization ?? ""))) return UNAUTHORIZED;
  if (body.chunked) return { status: 411, error: "Send Content-Length: streamed request bodies are not accepted" };
  const limit = signIn ? MAX_SIGN_IN_BODY_BYTES : MAX_BODY_BYTES;
  const length = Number(body.declared);
  if (!Number.isFinite(length) || length > limit) return { status: 413, error: `The body is larger than ${limit} bytes` };
  return null;
}

/** Whether the credentials of a request must be verified before it goes on: it has a body, and is not sign-in. */
export function mustVerifyCredentials(method: string, url: string, headers: Record<string, string | string[] | undefined>): boolean {
  return bodyOf(method, headers) !== null && !isSignIn(url);
}

/** The code of each refusal, in the one error shape (lib/errors.ts). */
const GATE_CODE = { 401: "unauthorized", 405: "method_not_allowed", 411: "length_required", 413: "too_large", 503: "unavailable" } as const satisfies Record<NonNullable<GateRefusal>["status"], ErrorCode>;

function refuse(res: ServerResponse, refusal: NonNullable<GateRefusal>): void {
  const body = JSON.stringify({ ok: false, code: GATE_CODE[refusal.status], error: refusal.error } satisfies ApiError);
  res.writeHead(refusal.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    // The unread body stays on the socket: close it rather than read it.
    Connection: "close",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    ...(refusal.status === 405 ? { Allow: ALLOWED_METHODS.join(", ") } : {}),
  });
  res.end(body);
}

/**
 * Install the gate on every HTTP server of this process. `verify` checks the credentials of
 * requests with a body (lib/auth/request-credentials.ts); without it only their presence is.
 */
export function installRequestGate(options: { verify?: VerifyCredentials } = {}): void {
  const holder = globalThis as Record<string, unknown>;
  if (typeof holder[GATE_KEY] === "string") return;
  const stamp = randomBytes(18).toString("base64url");
  const { verify } = options;
  const emit = Server.prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  Server.prototype.emit = function gatedEmit(this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      const res = args[1] as ServerResponse;
      const peer = req.socket?.remoteAddress;
      const sent = req.headers["x-forwarded-for"];
      if (peer) req.headers["x-forwarded-for"] = sent ? `${Array.isArray(sent) ? sent.join(", ") : sent}, ${peer}` : peer;
      else delete req.headers["x-forwarded-for"];
      req.headers[GATE_HEADER] = stamp;
      const method = req.method ?? "GET";
      const url = req.url ?? "/";
      const refusal = gateRefusal(method, url, req.headers);
      if (refusal?.status === 401 || refusal?.status === 405 || !verify || !mustVerifyCredentials(method, url, req.headers)) {
        if (refusal) {
          refuse(res, refusal);
          return true;
        }
        return emit.call(this, event, ...args);
      }
      // A body behind credentials: Next gets the request (and reads the body) only once they hold.
      verify(url.split("?")[0] ?? "/", req.headers).then(
        (valid) => {
          if (!valid) refuse(res, UNAUTHORIZED);
          else if (refusal) refuse(res, refusal);
          else if (!req.destroyed) emit.call(this, event, ...args);
        },
        (error: unknown) => {
          console.error("[gate] the credentials could not be checked", error instanceof Error ? error.message : error);
          refuse(res, { status: 503, error: "Your credentials could not be checked: the warehouse did not answer" });
        },
      );
      return true;
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
  holder[GATE_KEY] = stamp;
}
