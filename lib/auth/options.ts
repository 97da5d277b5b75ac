import "server-only";

import { createHash, randomUUID, timingSafeEqual } from "node:crypto";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";

import { demoAccountsEnabled, getEnv } from "@/lib/env";
import { SIGN_IN_FAILURES_TOTAL, SIGN_IN_LOCKOUTS_TOTAL, incCounter } from "@/lib/metrics/registry";
import { redirectWithinOrigin } from "@/lib/security/callback-url";
import { clientAddress, parseTrustedProxies, passedGate } from "@/lib/security/client-address";

import { demoPasswords } from "./demo-accounts";
import { signOutSession } from "./revoked-sessions";

import { SignInLimiter } from "./rate-limit";
import { parseDomains, parseRoleMap, roleForEmail } from "./role-map";
import { isSessionRole, type SessionRole as Role } from "./roles";
import { authSecret } from "./secret";
import { SESSION_MAX_MS, type SessionClock, sessionExpired } from "./session-policy";

/**
 * next-auth v4 configuration. Sessions are JWTs in an httpOnly cookie (the app is stateless and
 * may run as several replicas); the token carries the role, the sign-in time and the last
 * request time, and is refused when older than 8 hours or idle for 30 minutes (session-policy).
 *
 * Production: Google sign-in restricted to AUTH_ALLOWED_DOMAINS, role from AUTH_ROLES.
 * Embedded/demo: three demo accounts (viewer, operator, admin) with passwords from
 * configuration; with BigQuery only when explicitly enabled, with a warning at start-up.
 */

const limiter = new SignInLimiter();

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The address a lockout is keyed on: the socket's, or what a trusted proxy saw
 * (lib/security/client-address.ts) — never a value the client wrote itself. Without the
 * request gate (lib/security/request-gate.ts) the address is unknown and
 * every client shares one budget per username: a lockout too many, never a lockout too few.
 */
function signInAddress(headers: Record<string, unknown> | undefined): string {
  if (!passedGate(headers)) return "unknown";
  return clientAddress(headers, parseTrustedProxies(getEnv().TRUSTED_PROXIES)) ?? "unknown";
}

/** A username in logs: hashed, so the log does not collect what people type (often a password). */
function usernameHash(username: string): string {
  return createHash("sha256").update(username).digest("hex").slice(0, 16);
}

/** One structured line per refused sign-in: no password, the username hashed. */
function logSignIn(event: "sign_in_failed" | "sign_in_locked", username: string, client: string): void {
  incCounter(event === "sign_in_failed" ? SIGN_IN_FAILURES_TOTAL : SIGN_IN_LOCKOUTS_TOTAL, {});
  console.warn(`[auth] ${JSON.stringify({ event, provider: "demo", username_sha256: usernameHash(username), client, at: new Date().toISOString() })}`);
}

export function buildAuthOptions(): NextAuthOptions {
  const env = getEnv();
  const providers: NextAuthOptions["providers"] = [];
  if (demoAccountsEnabled(env)) {
    providers.push(
      CredentialsProvider({
        id: "demo",
        name: "Demo account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? "").trim().toLowerCase();
          const client = signInAddress(req?.headers);
          const key = `${username}|${client}`;
          // Locked: refuse whatever the password, so guessing gains nothing.
          if (limiter.isLocked(key)) {
            logSignIn("sign_in_locked", username, client);
            throw new Error("TooManyAttempts");
          }
          const expected = isSessionRole(username) ? demoPasswords(env)[username] : undefined;
          if (!expected || !sameSecret(String(credentials?.password ?? ""), expected)) {
            limiter.recordFailure(key);
            logSignIn("sign_in_failed", username, client);
            return null;
          }
          limiter.recordSuccess(key);
          return { id: username, name: username, email: null, role: username };
        },
      }),
    );
  }
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) {
    providers.push(GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }));
  }
  const domains = parseDomains(env.AUTH_ALLOWED_DOMAINS);
  const roles = parseRoleMap(env.AUTH_ROLES);

  return {
    secret: authSecret(),
    providers,
    pages: { signIn: "/login", error: "/login" },
    session: { strategy: "jwt", maxAge: SESSION_MAX_MS / 1000 },
    events: {
      // Sign-out ends the session on the server too, on every replica, not only in this browser.
      async signOut({ token }) {
        await signOutSession(token);
      },
    },
    callbacks: {
      // Only the console's own origin, whatever next-auth was given (lib/security/callback-url.ts).
      async redirect(params) {
        return redirectWithinOrigin(params);
      },
      async signIn({ account, profile, user }) {
        if (account?.provider !== "google") return Boolean(user);
        const email = (profile as { email?: string; email_verified?: boolean } | undefined)?.email;
        const verified = (profile as { email_verified?: boolean } | undefined)?.email_verified === true;
        return Boolean(email && verified && roleForEmail(email, domains, roles));
      },
      async jwt({ token, user, account, profile }) {
        if (user) {
          const now = Date.now();
          const email = (profile as { email?: string } | undefined)?.email ?? user.email ?? null;
          const role = account?.provider === "google" && email ? roleForEmail(email, domains, roles) : (user as { role?: Role }).role;
          // sid: the session's id, so sign-out can revoke this session (lib/auth/revocation.ts).
          return { ...token, name: user.name ?? email ?? "unknown", email, role: role ?? "viewer", loginAt: now, lastSeen: now, sid: randomUUID() };
        }
        return token;
      },
      async session({ session, token }) {
        if (sessionExpired(token as SessionClock, Date.now()) || !isSessionRole(token.role)) return { ...session, user: undefined, expires: new Date(0).toISOString() };
        return { ...session, user: { name: String(token.name ?? ""), email: (token.email as string | null) ?? null, role: token.role } };
      },
    },
  };
}

let cached: NextAuthOptions | undefined;
export function authOptions(): NextAuthOptions {
  cached ??= buildAuthOptions();
  return cached;
}
