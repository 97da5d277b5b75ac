import { decode, encode } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

import { authSecret } from "@/lib/auth/secret";
import { SESSION_MAX_MS, SESSION_TOUCH_MS, type SessionClock, sessionExpired } from "@/lib/auth/session-policy";

import { contentSecurityPolicy, isPublicPath, securityHeaders } from "./headers";

/**
 * The proxy (Next 16's middleware) on every request:
 * - a fresh CSP nonce, passed to the render through the request's CSP header (Next applies it
 *   to its own scripts) and sent with the security headers;
 * - anonymous visitors of a page are redirected to sign-in. That is a convenience only: every
 *   read and write checks the role on the server (lib/auth/session.ts). API routes are not
 *   redirected — they answer 401 themselves, also for API tokens the proxy cannot know;
 * - the session's idle window slides: the cookie is re-issued with a new `lastSeen` (at most
 *   once a minute), so 30 minutes without a request end the session; 8 hours end it anyway.
 */
const COOKIE = "next-auth.session-token";
const SECURE_COOKIE = "__Secure-next-auth.session-token";

function isHttps(req: NextRequest): boolean {
  return req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}

export async function handleRequest(req: NextRequest, options: { dev: boolean }): Promise<NextResponse> {
  const https = isHttps(req);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, { dev: options.dev, https });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);

  const { pathname, search } = req.nextUrl;
  const cookieName = req.cookies.has(SECURE_COOKIE) ? SECURE_COOKIE : COOKIE;
  const raw = req.cookies.get(cookieName)?.value;
  const secret = authSecret();
  const token = raw ? await decode({ token: raw, secret }).catch(() => null) : null;
  const now = Date.now();
  const live = token && !sessionExpired(token as SessionClock, now) ? token : null;

  let response: NextResponse;
  if (!live && !isPublicPath(pathname) && !pathname.startsWith("/api/")) {
    const login = new URL("/login", req.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    if (token) login.searchParams.set("error", "SessionExpired");
    response = NextResponse.redirect(login);
    if (token) response.cookies.delete(cookieName);
  } else {
    response = NextResponse.next({ request: { headers: requestHeaders } });
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
