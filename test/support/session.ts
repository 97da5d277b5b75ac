import { randomUUID } from "node:crypto";

import { encode } from "next-auth/jwt";

import { processRevocations, type RevokedSessionRow, SessionRevocations } from "@/lib/auth/revocation";
import { authSecret } from "@/lib/auth/secret";
import type { Role } from "@/lib/auth/roles";

/** A session cookie as next-auth would issue it after signing in as a demo account. */
export async function sessionCookie(role: Role, name: string = role, at = Date.now(), secret = authSecret()): Promise<string> {
  const token = await encode({ token: { name, role, loginAt: at, lastSeen: at, sid: randomUUID() }, secret });
  return `next-auth.session-token=${token}`;
}

/**
 * A `next/headers` stand-in whose cookie jar holds a signed-in session, for tests of data-layer
 * functions that read the current request's session (`vi.mock("next/headers", …)`).
 */
export function mockNextHeaders(role: Role) {
  let cookie: Promise<string> | undefined;
  const value = async () => (await (cookie ??= sessionCookie(role))).split("=").slice(1).join("=");
  return {
    cookies: async () => {
      const token = await value();
      return { get: (name: string) => (name === "next-auth.session-token" ? { name, value: token } : undefined) };
    },
    headers: async () => new Headers(),
  };
}

/**
 * Keep this test process's sign-outs in memory instead of the warehouse, for tests that count the
 * warehouse's queries or make them fail and are not about sign-out (call before any session is read).
 */
export function keepSignOutsInMemory(): SessionRevocations {
  const rows: RevokedSessionRow[] = [];
  return processRevocations(
    () =>
      new SessionRevocations({
        record: async (row) => void rows.push(row),
        listActive: async (now) => rows.filter((r) => Date.parse(r.expires_at) > now.getTime()).map((r) => r.session_id),
      }),
  );
}
