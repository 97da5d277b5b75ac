import { randomBytes } from "node:crypto";
import { type IncomingMessage, Server, type ServerResponse } from "node:http";

import { GATE_HEADER, GATE_KEY } from "./client-address";
import { ALLOWED_METHODS } from "./request-policy";

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
 * 4. A request with a body is refused before a byte of it is read: 411 without Content-Length
 *    (a streamed body cannot exceed a length it declared: Node's parser stops there), 413 over
 *    the limit, and 401 when it goes to the API or a page (a server action) without credentials
 *    — a session cookie or a bearer token. Sign-in (`/api/auth/`) is anonymous by nature and
 *    gets the small limit. Credentials are only checked for presence here; the route checks them
 *    before it reads the body.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=[^;\s]/;

export type GateRefusal = { status: 401 | 405 | 411 | 413; error: string } | null;

/** Pure: what the gate answers for a request line and its headers (null: let it through). */
export function gateRefusal(method: string, url: string, headers: Record<string, string | string[] | undefined>): GateRefusal {
  // Next answers TRACE and other methods it has no handler for with a 500 and a stack trace.
  if (!(ALLOWED_METHODS as readonly string[]).includes(method.toUpperCase())) return { status: 405, error: `Method ${method} is not allowed` };
  if (!BODY_METHODS.has(method.toUpperCase())) return null;
  const path = url.split("?")[0] ?? "/";
  const signIn = path.startsWith("/api/auth/");
  const limit = signIn ? MAX_SIGN_IN_BODY_BYTES : MAX_BODY_BYTES;
  const declared = headers["content-length"];
  const chunked = /chunked/i.test(String(headers["transfer-encoding"] ?? ""));
  if (chunked || declared === undefined) {
    // A DELETE or an empty POST may come without a body at all.
    if (!chunked) return null;
    return { status: 411, error: "Send Content-Length: streamed request bodies are not accepted" };
  }
  const length = Number(declared);
  if (!Number.isFinite(length) || length > limit) return { status: 413, error: `The body is larger than ${limit} bytes` };
  if (signIn || length === 0) return null;
  const cookie = String(headers.cookie ?? "");
  const authorization = String(headers.authorization ?? "");
  if (!SESSION_COOKIE.test(cookie) && !/^Bearer\s+\S/i.test(authorization)) {
    return { status: 401, error: "Sign in or send a valid API token" };
  }
  return null;
}

function refuse(res: ServerResponse, refusal: NonNullable<GateRefusal>): void {
  const body = JSON.stringify({ ok: false, code: refusal.status === 401 ? "unauthorized" : "invalid", error: refusal.error });
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

export function installRequestGate(): void {
  const holder = globalThis as Record<string, unknown>;
  if (typeof holder[GATE_KEY] === "string") return;
  const stamp = randomBytes(18).toString("base64url");
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
      const refusal = gateRefusal(req.method ?? "GET", req.url ?? "/", req.headers);
      if (refusal) {
        refuse(res, refusal);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
  holder[GATE_KEY] = stamp;
}
