import "server-only";

import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";

import type { ProcessorName } from "@/lib/completeness/processors";

import { sessionRevocations } from "./revoked-sessions";
import { authSecret } from "./secret";
import { hasRole, isSessionRole, type Role } from "./roles";
import { type SessionClock, sessionExpired } from "./session-policy";

/**
 * Who is asking, for every read and write on the server (authorization is checked at
 * every read and write, not only by page guards or the proxy). The session cookie is decoded
 * and checked here with the same rules as the proxy (8 hours at most, 30 minutes idle), whether
 * the request reached a page, a server action or a route handler.
 */
export interface Actor {
  name: string;
  role: Role;
  /** How the request was authenticated: a browser session or an API token. */
  via: "session" | "token";
  /** A pipeline token bound to one processor: it may check and report for that processor only. */
  processor?: ProcessorName;
}

/**
 * The actors this process authenticated itself (a session cookie it decoded, an API token it
 * looked up). An object that merely has an actor's fields — one a browser sent as an argument of
 * a server action, say — is not among them, so a write helper that is handed an actor can tell a
 * forged one (`isAuthenticated`). Kept on globalThis: Next bundles route handlers and server
 * actions separately, each with its own copy of this module.
 */
const processWide = globalThis as typeof globalThis & { __authenticatedActors?: WeakSet<Actor> };
const authenticatedActors = (processWide.__authenticatedActors ??= new WeakSet());

/** Marks `actor` as built from verified credentials: lib/auth calls it after checking them (tests, to stand in for that check). */
export function authenticated(actor: Actor): Actor {
  Object.freeze(actor);
  authenticatedActors.add(actor);
  return actor;
}

/** True only for an actor this process built from a session or a token. */
export function isAuthenticated(actor: unknown): actor is Actor {
  return typeof actor === "object" && actor !== null && authenticatedActors.has(actor as Actor);
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** next-auth's cookie names: `__Secure-` over HTTPS. Large tokens are split into `.0`, `.1`… */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

function readCookie(get: (name: string) => string | undefined, name: string): string | undefined {
  const whole = get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = get(`${name}.${i}`);
    if (!chunk) break;
    chunks.push(chunk);
  }
  return chunks.length ? chunks.join("") : undefined;
}

export async function actorFromCookies(get: (name: string) => string | undefined, now = Date.now()): Promise<Actor | null> {
  for (const name of SESSION_COOKIES) {
    const raw = readCookie(get, name);
    if (!raw) continue;
    const token = await decode({ token: raw, secret: authSecret() }).catch(() => null);
    if (!token || sessionExpired(token as SessionClock, now) || !isSessionRole(token.role) || !token.name) return null;
    // Signed out on any replica (or issued without a session id, so it could never be revoked).
    // A failed read of the sign-outs throws: never an unchecked session (lib/auth/revocation.ts).
    if (await sessionRevocations().isRevoked(token.sid, now)) return null;
    return authenticated({ name: String(token.name), role: token.role, via: "session" });
  }
  return null;
}

export function parseCookieHeader(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

/** The session behind a route-handler request. */
export async function sessionActorOf(request: Request): Promise<Actor | null> {
  const jar = parseCookieHeader(request.headers.get("cookie"));
  return actorFromCookies((name) => jar.get(name));
}

/** The session of the current page or server action. */
export async function getSessionActor(): Promise<Actor | null> {
  const store = await cookies();
  return actorFromCookies((name) => store.get(name)?.value);
}

/** The actor with at least `min`, or an AuthError (401 anonymous, 403 too weak). */
export async function requireRole(min: Role, actor?: Actor | null): Promise<Actor> {
  const who = actor === undefined ? await getSessionActor() : actor;
  if (!who) throw new AuthError(401, "Sign in to continue");
  if (!hasRole(who.role, min)) throw new AuthError(403, `This needs the ${min} role; you are signed in as ${who.role}`);
  return who;
}
