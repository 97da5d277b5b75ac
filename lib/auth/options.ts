import "server-only";

import { timingSafeEqual } from "node:crypto";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";

import { demoAccountsEnabled, getEnv } from "@/lib/env";

import { SignInLimiter } from "./rate-limit";
import { parseDomains, parseRoleMap, roleForEmail } from "./role-map";
import { isRole, type Role } from "./roles";
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

export function demoAccounts(): Record<Role, string> {
  const env = getEnv();
  return { viewer: env.DEMO_PASSWORD_VIEWER, operator: env.DEMO_PASSWORD_OPERATOR, admin: env.DEMO_PASSWORD_ADMIN };
}

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  return typeof forwarded === "string" ? (forwarded.split(",")[0]?.trim() ?? "unknown") : "local";
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
          const key = `${username}|${clientAddress(req?.headers)}`;
          // Locked: refuse whatever the password, so guessing gains nothing.
          if (limiter.isLocked(key)) throw new Error("TooManyAttempts");
          const expected = isRole(username) ? demoAccounts()[username] : undefined;
          if (!expected || !sameSecret(String(credentials?.password ?? ""), expected)) {
            limiter.recordFailure(key);
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
    callbacks: {
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
          return { ...token, name: user.name ?? email ?? "unknown", email, role: role ?? "viewer", loginAt: now, lastSeen: now };
        }
        return token;
      },
      async session({ session, token }) {
        if (sessionExpired(token as SessionClock, Date.now()) || !isRole(token.role)) return { ...session, user: undefined, expires: new Date(0).toISOString() };
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
