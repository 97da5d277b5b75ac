/**
 * Session cookies as the server reads them: a live session is an actor; one idle for more than
 * 30 minutes, older than 8 hours, tampered with, or carrying no role is anonymous.
 */
import { randomUUID } from "node:crypto";

import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";

import { actorFromCookies, requireRole } from "./session";
import { authSecret } from "./secret";
import { SESSION_IDLE_MS, SESSION_MAX_MS, sessionExpired } from "./session-policy";

const now = Date.UTC(2026, 10, 26, 12);
const jar = (value: string) => (name: string) => (name === "next-auth.session-token" ? value : undefined);
// Every session has an id since sign-out revokes by it (lib/auth/revocation.ts).
const token = (fields: Record<string, unknown>) => encode({ token: { sid: randomUUID(), ...fields }, secret: authSecret() });

describe("session lifetime", () => {
  it("ends after 30 minutes idle and after 8 hours in any case", () => {
    expect(sessionExpired({ loginAt: now - 1000, lastSeen: now - 1000 }, now)).toBe(false);
    expect(sessionExpired({ loginAt: now - 1000, lastSeen: now - SESSION_IDLE_MS - 1 }, now)).toBe(true);
    expect(sessionExpired({ loginAt: now - SESSION_MAX_MS - 1, lastSeen: now - 1000 }, now)).toBe(true);
    expect(sessionExpired({}, now)).toBe(true);
  });

  it("reads a live session cookie as the actor, and refuses expired, tampered or role-less ones", async () => {
    const live = await token({ name: "maria.ops", role: "operator", loginAt: now - 60_000, lastSeen: now - 60_000 });
    expect(await actorFromCookies(jar(live), now)).toEqual({ name: "maria.ops", role: "operator", via: "session" });
    const idle = await token({ name: "maria.ops", role: "operator", loginAt: now - 3_600_000, lastSeen: now - SESSION_IDLE_MS - 1 });
    expect(await actorFromCookies(jar(idle), now)).toBeNull();
    expect(await actorFromCookies(jar(`${live.slice(0, -4)}AAAA`), now)).toBeNull();
    const noRole = await token({ name: "x", role: "superuser", loginAt: now, lastSeen: now });
    expect(await actorFromCookies(jar(noRole), now)).toBeNull();
    expect(await actorFromCookies(() => undefined, now)).toBeNull();
  });

  it("requireRole: 401 anonymous, 403 below the role", async () => {
    await expect(requireRole("viewer", null)).rejects.toMatchObject({ status: 401 });
    await expect(requireRole("admin", { name: "v", role: "operator", via: "session" })).rejects.toMatchObject({ status: 403 });
    await expect(requireRole("operator", { name: "a", role: "admin", via: "session" })).resolves.toMatchObject({ role: "admin" });
  });
});
