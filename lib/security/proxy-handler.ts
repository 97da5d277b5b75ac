import { decode, encode } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

import { sessionKnownRevoked } from "@/lib/auth/revocation";
import { authSecret } from "@/lib/auth/secret";
import { SESSION_MAX_MS, SESSION_TOUCH_MS, type SessionClock, sessionExpired } from "@/lib/auth/session-policy";
import { getEnv } from "@/lib/env";
import { type ErrorCode, HTTP_STATUS, refusal } from "@/lib/errors";
import { type BuildStatus, readBuildStatus } from "@/lib/warehouse/build-status";

import { isAllowedHost } from "./allowed-hosts";
import { contentSecurityPolicy, isPublicPath, securityHeaders } from "./headers";
import { PAGE_RENDER_HEADER, cachedPage, isInternalRender } from "./page-cache";
import { ALLOWED_METHODS, currentHostPolicy, isOwnOrigin } from "./request-policy";

/**
 * The proxy (Next 16's middleware) on every request:
 * - a fresh CSP nonce, passed to the render through the request's CSP header (Next applies it
 *   to its own scripts) and sent with the security headers;
 * - anonymous visitors of a page are redirected to sign-in. That is a convenience only: every
 *   read and write checks the role on the server (lib/auth/session.ts). API routes are not
 *   redirected — they answer 401 themselves, also for API tokens the proxy cannot know;
 * - the session's idle window slides: the cookie is re-issued with a new `lastSeen` (at most
 *   once a minute), so 30 minutes without a request end the session; 8 hours end it anyway.
 * - while `npm start` builds the demo database (lib/warehouse/build-status.ts), the console is not
 *   there yet: pages show the build's progress (`/starting`, at the URL asked for, so the page
 *   that was asked for comes once the build is done), sign-in works, `/api/health` reports the
 *   build and every other API answers 503 with a Retry-After.
 * Before any of that, requests nothing should handle are refused, with the security headers and
 * JSON under /api: another Host or X-Forwarded-Host (421: DNS rebinding, forged sign-in
 * redirects), a method the console does not serve (405), a path whose percent-encoding is broken
 * (400), a server action posted from another origin (403).
 */
const COOKIE = "next-auth.session-token";
const SECURE_COOKIE = "__Secure-next-auth.session-token";

function isHttps(req: NextRequest): boolean {
  return req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}

function refusalResponse(req: NextRequest, code: ErrorCode, error: string, headers: Record<string, string> = {}): NextResponse {
  const status = HTTP_STATUS[code];
  const api = req.nextUrl.pathname.startsWith("/api/");
  const response = api
    ? NextResponse.json(refusal(code, error), { status, headers })
    : new NextResponse(`${error}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/** A request the console must not handle, as the response that says why; null when it may go on. */
function refuse(req: NextRequest): NextResponse | null {
  if (!(ALLOWED_METHODS as readonly string[]).includes(req.method.toUpperCase())) {
    return refusalResponse(req, "method_not_allowed", `Method ${req.method} is not allowed`, { Allow: ALLOWED_METHODS.join(", ") });
  }
  // X-Forwarded-Host is a Host too: sign-in builds its redirects from it (next-auth without
  // NEXTAUTH_URL) and Next compares a server action's Origin with it.
  const forwardedHost = req.headers.get("x-forwarded-host");
  if (!isAllowedHost(req.headers.get("host"), currentHostPolicy()) || (forwardedHost !== null && !isAllowedHost(forwardedHost, currentHostPolicy()))) {
    return refusalResponse(req, "wrong_host", "This console does not answer to that host name");
  }
  try {
    decodeURIComponent(req.nextUrl.pathname);
  } catch {
    return refusalResponse(req, "invalid", "The path is not valid percent-encoded UTF-8");
  }
  // Next checks a server action's Origin itself, but answers a mismatch with a 500. A POST to a
  // page is always a server action — sent by the console's own script (`next-action` header) or
  // as a plain form without script (`$ACTION_ID_…` in the body) — so every POST outside /api
  // must come from the console's own origin.
  const origin = req.headers.get("origin");
  const toPage = !req.nextUrl.pathname.startsWith("/api/");
  if (req.method === "POST" && (toPage || req.headers.has("next-action")) && (!origin || !isOwnOrigin(origin, req.headers.get("host")))) {
    return refusalResponse(req, "forbidden", "Cross-site request refused");
  }
  return null;
}

/** The page that shows the demo database's build while it runs. */
export const STARTING_PATH = "/starting";
/** Seconds a client is asked to wait before it calls the API again during the build. */
export const BUILD_RETRY_AFTER_S = 5;

/** The embedded database's build in progress, if any (none on BigQuery). */
function currentBuild(): BuildStatus | null {
  const env = getEnv();
  return env.WAREHOUSE === "embedded" ? readBuildStatus(env.EMBEDDED_DB_PATH) : null;
}

/**
 * A request while the database is being built: null when it goes on as usual (the progress page,
 * sign-in, /api/health, Next's assets), else the answer in the console's place.
 */
function duringBuild(req: NextRequest, build: BuildStatus, signedIn: boolean, requestHeaders: Headers): NextResponse | null {
  const { pathname } = req.nextUrl;
  if (pathname === STARTING_PATH || pathname === "/api/health" || pathname.startsWith("/_next/") || pathname === "/favicon.ico") return null;
  // Sign-in needs no database. A signed-in visitor of /login is sent on (the page would check
  // the session's sign-out, which lives in the database).
  if (pathname.startsWith("/api/auth/") || (pathname === "/login" && !signedIn)) return null;
  const method = req.method.toUpperCase();
  if (pathname.startsWith("/api/") || pathname === "/metrics" || (method !== "GET" && method !== "HEAD")) {
    const what = build.state === "failed" ? "The demo database could not be built" : "The console is building its demo database";
    const nights = build.nights ? ` (night ${build.nights.done} of ${build.nights.total})` : "";
    return refusalResponse(req, "unavailable", `${what}${nights}; try again shortly`, { "Retry-After": String(BUILD_RETRY_AFTER_S) });
  }
  const response = NextResponse.rewrite(new URL(STARTING_PATH, req.url), { request: { headers: requestHeaders } });
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/** `port`: the one this server listens on, for the page cache's render over loopback (unknown: no page cache). */
export async function handleRequest(req: NextRequest, options: { dev: boolean; port?: string; build?: () => BuildStatus | null }): Promise<NextResponse> {
  const https = isHttps(req);
  const refused = refuse(req);
  if (refused) {
    const strict = "default-src 'none'; frame-ancestors 'none'";
    for (const [name, value] of Object.entries(securityHeaders(strict, https))) refused.headers.set(name, value);
    return refused;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, { dev: options.dev, https });
  const requestHeaders = new Headers(req.headers);
  // The page cache's own render goes to Next as it is; its marker goes no further than here.
  const internalRender = isInternalRender(req.headers);
  requestHeaders.delete(PAGE_RENDER_HEADER);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  // The origin the browser used, checked above, for what builds absolute URLs from the request:
  // sign-in's redirects without NEXTAUTH_URL (next-auth trusts these two headers only because
  // this proxy set them; instrumentation.ts) — a missing protocol would read as https.
  requestHeaders.set("x-forwarded-host", req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? "");
  requestHeaders.set("x-forwarded-proto", https ? "https" : "http");

  const { pathname, search } = req.nextUrl;
  const cookieName = req.cookies.has(SECURE_COOKIE) ? SECURE_COOKIE : COOKIE;
  const raw = req.cookies.get(cookieName)?.value;
  const secret = authSecret();
  const token = raw ? await decode({ token: raw, secret }).catch(() => null) : null;
  const now = Date.now();
  const live = token && !sessionExpired(token as SessionClock, now) && !sessionKnownRevoked(token.sid, now) ? token : null;

  const build = (options.build ?? currentBuild)();
  const held = build ? duringBuild(req, build, Boolean(live), requestHeaders) : null;
  let response: NextResponse;
  if (held) {
    response = held;
  } else if (build && pathname === STARTING_PATH) {
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else if (!live && !isPublicPath(pathname) && !pathname.startsWith("/api/")) {
    const login = new URL("/login", req.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    if (token) login.searchParams.set("error", "SessionExpired");
    response = NextResponse.redirect(login);
    if (token) response.cookies.delete(cookieName);
  } else {
    const next = () => NextResponse.next({ request: { headers: requestHeaders } });
    const origin = options.port ? `http://127.0.0.1:${options.port}` : null;
    response = live && !internalRender ? await cachedPage(req, nonce, origin, next) : next();
    const lastSeen = (live as SessionClock | null)?.lastSeen;
    if (live && typeof lastSeen === "number" && now - lastSeen > SESSION_TOUCH_MS) {
      const remaining = Math.max(1, Math.floor((SESSION_MAX_MS - (now - Number(live.loginAt))) / 1000));
      const refreshed = await encode({ token: { ...live, lastSeen: now }, secret, maxAge: remaining });
      response.cookies.set(cookieName, refreshed, { httpOnly: true, sameSite: "lax", secure: https, path: "/", maxAge: remaining });
    }
  }
  for (const [name, value] of Object.entries(securityHeaders(csp, https))) response.headers.set(name, value);
  return response;
}
