/**
 * `pipeline` is a role for API tokens only: no way of signing in produces it, and a session that
 * claims it is nobody. Checked at each way a person gets a role — AUTH_ROLES (Google sign-in),
 * the demo accounts, and the session cookie the server reads back.
 */
import { randomUUID } from "node:crypto";

import { encode } from "next-auth/jwt";
import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { parseRoleMap, roleForEmail } from "./role-map";
import { CAN, hasRole, isRole, isSessionRole, ROLES, SESSION_ROLES } from "./roles";
import { authSecret } from "./secret";
import { actorFromCookies } from "./session";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
type SessionCallback = (params: { session: Session; token: JWT }) => Promise<Session>;
let authorize: Authorize;
let sessionCallback: SessionCallback;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";
  // A password configured for a `pipeline` demo account, were there one: there is none to match.
  process.env.DEMO_PASSWORD_PIPELINE = "pipeline-demo-password";
  (globalThis as { __completenessRequestGate?: string }).__completenessRequestGate = "gate-stamp";
  const { buildAuthOptions } = await import("./options");
  const options = buildAuthOptions();
  const provider = options.providers.find((p) => p.type === "credentials") as unknown as { options: { authorize: Authorize } };
  authorize = provider.options.authorize;
  sessionCallback = options.callbacks!.session as unknown as SessionCallback;
});

describe("the pipeline role stands apart", () => {
  it("is a role, but not a session role, and reaches no rung of the console's ladder", () => {
    expect(isRole("pipeline")).toBe(true);
    expect(isSessionRole("pipeline")).toBe(false);
    expect(SESSION_ROLES).not.toContain("pipeline");
    expect(ROLES).toContain("pipeline");
    expect(["viewer", "operator", "admin"].map((min) => hasRole("pipeline", min as "viewer"))).toEqual([false, false, false]);
    expect([CAN.override("pipeline"), CAN.reset("pipeline"), CAN.check("pipeline")]).toEqual([false, false, true]);
    // And the other way round: no console role may check.
    expect(SESSION_ROLES.map((role) => CAN.check(role))).toEqual([false, false, false]);
    expect(SESSION_ROLES.map((role) => hasRole(role, "pipeline"))).toEqual([false, false, false]);
  });
});

describe("AUTH_ROLES refuses the pipeline role", () => {
  it.each(["ci@nba.example=pipeline", "nba.example=pipeline", "Lead@NBA.example=PIPELINE", "lead@nba.example=admin, bots.example=pipeline"])(
    "%s stops start-up with the entry named",
    (text) => {
      const entry = text.split(",").map((e) => e.trim()).find((e) => /pipeline/i.test(e))!;
      expect(() => parseRoleMap(text)).toThrow(entry);
      expect(() => parseRoleMap(text)).toThrow(/roles: viewer, operator, admin/);
    },
  );

  it("so a Google sign-in gets one of the console's roles, never the pipeline's", () => {
    const map = parseRoleMap("lead@nba.example=admin, oncall@nba.example=operator");
    const roles = ["lead@nba.example", "oncall@nba.example", "pipeline@nba.example", "someone@nba.example"].map((email) => roleForEmail(email, ["nba.example"], map));
    expect(roles).toEqual(["admin", "operator", "viewer", "viewer"]);
  });
});

describe("demo sign-in cannot produce the pipeline role", () => {
  const request = (client: string) => ({ headers: { "x-forwarded-for": client, "x-completeness-gate": "gate-stamp" } });
  // Each refusal logs a sign_in_failed line (lib/auth/sign-in.test.ts checks those).
  beforeEach(() => void vi.spyOn(console, "warn").mockImplementation(() => {}));
  afterEach(() => vi.restoreAllMocks());

  it("there is no pipeline demo account, whatever the password (a configured one included)", async () => {
    const passwords = ["pipeline-demo", "pipeline-demo-password", "admin-demo", "viewer-demo"];
    const results = await Promise.all(passwords.map((password, i) => authorize({ username: "pipeline", password }, request(`198.51.100.${40 + i}`))));
    expect(results).toEqual([null, null, null, null]);
    expect(await authorize({ username: " PIPELINE ", password: "pipeline-demo" }, request("198.51.100.50"))).toBeNull();
  });

  it("the demo accounts that exist sign in with their own role", async () => {
    const admin = await authorize({ username: "admin", password: "admin-demo" }, request("198.51.100.60"));
    expect(admin).toMatchObject({ name: "admin", role: "admin" });
  });
});

describe("a session that claims the pipeline role is nobody", () => {
  const now = Date.now();
  const cookie = async (role: string) =>
    encode({ token: { name: "forged", role, loginAt: now - 1000, lastSeen: now - 1000, sid: randomUUID() }, secret: authSecret() });

  it("the server reads a validly signed pipeline-role cookie as no actor; the same cookie as viewer is one", async () => {
    const jar = (value: string) => (name: string) => (name === "next-auth.session-token" ? value : undefined);
    expect(await actorFromCookies(jar(await cookie("pipeline")), now)).toBeNull();
    // The control: the cookie is refused for its role, not for being malformed or expired.
    // (A viewer cookie is read through the sign-outs, which this test keeps in memory.)
    const { keepSignOutsInMemory } = await import("@/test/support/session");
    keepSignOutsInMemory();
    expect(await actorFromCookies(jar(await cookie("viewer")), now)).toEqual({ name: "forged", role: "viewer", via: "session" });
  });

  it("the browser's session has no user for it", async () => {
    const session = { user: { name: "forged" }, expires: new Date(now + 3_600_000).toISOString() } as Session;
    const token = { name: "forged", role: "pipeline", loginAt: now - 1000, lastSeen: now - 1000 } as JWT;
    expect((await sessionCallback({ session, token })).user).toBeUndefined();
    expect((await sessionCallback({ session, token: { ...token, role: "viewer" } })).user).toMatchObject({ role: "viewer" });
  });
});
