/** Sign-out ends the session: the same cookie, copied before, is refused afterwards. */
import { encode } from "next-auth/jwt";
import type { JWT } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { processRevocations, type RevocationStorage, type RevokedSessionRow, SessionRevocations } from "./revocation";

const SECRET = "test-secret-test-secret-test-secret-0123456789";
let options: import("next-auth").NextAuthOptions;
let actorFromCookies: typeof import("./session").actorFromCookies;

/** The revocation table, in memory: what every replica reads. */
const table: RevokedSessionRow[] = [];
const storage: RevocationStorage = {
  record: async (row) => void table.push(row),
  listActive: async (now) => table.filter((r) => Date.parse(r.expires_at) > now.getTime()).map((r) => r.session_id),
};

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  processRevocations(() => new SessionRevocations(storage));
  ({ actorFromCookies } = await import("./session"));
  options = (await import("./options")).buildAuthOptions();
});

async function signIn(): Promise<JWT> {
  const user = { id: "operator", name: "operator", email: null, role: "operator" };
  return (await options.callbacks!.jwt!({ token: {}, user, account: null, trigger: "signIn" } as never)) as JWT;
}

const jar = (cookie: string) => (name: string) => (name === "next-auth.session-token" ? cookie : undefined);

describe("sign-out", () => {
  it("revokes the session: a copy of its cookie no longer authenticates", async () => {
    const token = await signIn();
    const cookie = await encode({ token, secret: SECRET });
    expect(await actorFromCookies(jar(cookie))).toMatchObject({ name: "operator", role: "operator" });
    await options.events!.signOut!({ token, session: undefined as never });
    expect(await actorFromCookies(jar(cookie))).toBeNull();
  });

  it("records the session's id, its user and its latest possible end (sign-in + 8 hours)", async () => {
    const token = await signIn();
    await options.events!.signOut!({ token, session: undefined as never });
    const row = table.find((r) => r.session_id === token.sid)!;
    expect(row).toMatchObject({ user_name: "operator" });
    expect(Date.parse(row.expires_at)).toBe(Number(token.loginAt) + 8 * 3_600_000);
  });

  it("leaves the user's other sessions alone", async () => {
    const kept = await signIn();
    const ended = await signIn();
    await options.events!.signOut!({ token: ended, session: undefined as never });
    expect(await actorFromCookies(jar(await encode({ token: kept, secret: SECRET })))).not.toBeNull();
  });
});

describe("the revocation cache", () => {
  const now = Date.UTC(2026, 11, 7, 12);
  const token = { sid: "s-1", name: "maria.ops", loginAt: now - 60_000 };

  it("is refused at once where it was signed out; another process sees it once its copy is older than 30 s", async () => {
    const rows: RevokedSessionRow[] = [];
    let reads = 0;
    const shared: RevocationStorage = {
      record: async (row) => void rows.push(row),
      listActive: async (at) => (reads++, rows.filter((r) => Date.parse(r.expires_at) > at.getTime()).map((r) => r.session_id)),
    };
    const a = new SessionRevocations(shared);
    const b = new SessionRevocations(shared);
    expect(await b.isRevoked("s-1", now)).toBe(false);
    await a.revoke(token, now);
    expect(await a.isRevoked("s-1", now)).toBe(true);
    expect(await b.isRevoked("s-1", now + 29_999)).toBe(false);
    expect(reads).toBe(1);
    expect(await b.isRevoked("s-1", now + 30_000)).toBe(true);
    // A restart: a new process knows at its first check.
    expect(await new SessionRevocations(shared).isRevoked("s-1", now + 1)).toBe(true);
    // Once the session could no longer be presented anyway, the row is moot.
    expect(await new SessionRevocations(shared).isRevoked("s-1", now + 8 * 3_600_000)).toBe(false);
  });

  it("shares one read among concurrent checks", async () => {
    let reads = 0;
    const slow: RevocationStorage = { record: async () => {}, listActive: async () => (reads++, await new Promise((r) => setTimeout(r, 10)), []) };
    const c = new SessionRevocations(slow);
    await Promise.all(Array.from({ length: 20 }, () => c.isRevoked("x", now)));
    expect(reads).toBe(1);
  });

  it("keeps using its last good copy for 5 minutes while the table cannot be read, then fails closed", async () => {
    const rows: RevokedSessionRow[] = [];
    let fail = false;
    const flaky: RevocationStorage = {
      record: async (row) => void rows.push(row),
      listActive: async () => {
        if (fail) throw new Error("warehouse down");
        return rows.map((r) => r.session_id);
      },
    };
    await new SessionRevocations(flaky).revoke(token, now);
    const c = new SessionRevocations(flaky);
    expect(await c.isRevoked("s-1", now)).toBe(true);
    fail = true;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(await c.isRevoked("s-1", now + 5 * 60_000 - 1)).toBe(true);
      expect(await c.isRevoked("s-2", now + 5 * 60_000 - 1)).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("sign_outs_unreadable"));
      await expect(c.isRevoked("s-2", now + 5 * 60_000)).rejects.toThrow("warehouse down");
    } finally {
      warn.mockRestore();
    }
  });

  it("fails closed without a good read: a failed read rejects (never a pass), and the next check reads again", async () => {
    let fail = true;
    const flaky: RevocationStorage = {
      record: async () => {},
      listActive: async () => {
        if (fail) throw new Error("warehouse down");
        return [];
      },
    };
    const c = new SessionRevocations(flaky);
    await expect(c.isRevoked("x", now)).rejects.toThrow("warehouse down");
    fail = false;
    expect(await c.isRevoked("x", now)).toBe(false);
  });

  it("refuses a session without an id, which could never be revoked", async () => {
    const c = new SessionRevocations({ record: async () => {}, listActive: async () => [] });
    expect(await c.isRevoked(undefined, now)).toBe(true);
    expect(await c.isRevoked("", now)).toBe(true);
  });
});
