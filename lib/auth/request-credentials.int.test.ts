/**
 * The gate's credential check (what decides 401 before a body is read): the same session rules
 * as the role check — signed with this secret, live, not signed out — and the same token lookup.
 */
import { describe, expect, it } from "vitest";

import { consoleWarehouseForFile } from "@/test/support/console-warehouse";
import { sessionCookie } from "@/test/support/session";

import { createToken } from "./api-tokens";
import { requestCredentialsValid } from "./request-credentials";
import { sessionRevocations } from "./revoked-sessions";

// The process warehouse the token lookups and the sign-outs read.
consoleWarehouseForFile();

const API = "/api/v1/breakers/override";

describe("requestCredentialsValid", () => {
  it("accepts a live session cookie; refuses a forged one, one signed with another secret, and a signed-out one", async () => {
    const live = await sessionCookie("operator");
    expect(await requestCredentialsValid(API, { cookie: `theme=dark; ${live}` })).toBe(true);
    expect(await requestCredentialsValid("/breakers", { cookie: live })).toBe(true);
    expect(await requestCredentialsValid(API, { cookie: "next-auth.session-token=eyJhbGciOiJkaXIifQ.x.y.z.w" })).toBe(false);
    expect(await requestCredentialsValid(API, { cookie: await sessionCookie("admin", "admin", Date.now(), "another-secret-another-secret-another-secret") })).toBe(false);
    expect(await requestCredentialsValid(API, { cookie: "next-auth.session-token=%E0%A4%A" })).toBe(false);

    const ended = await sessionCookie("operator");
    const { decode } = await import("next-auth/jwt");
    const { authSecret } = await import("./secret");
    const token = await decode({ token: ended.split("=").slice(1).join("="), secret: authSecret() });
    await sessionRevocations().revoke(token!);
    expect(await requestCredentialsValid(API, { cookie: ended })).toBe(false);
  });

  it("on the API, a sent bearer token is the only credential that counts", async () => {
    const created = await createToken({ name: "gate-bot", role: "operator" }, "admin");
    if (!created.ok) throw new Error("token not created");
    const live = await sessionCookie("operator");
    expect(await requestCredentialsValid(API, { authorization: `Bearer ${created.data.token}` })).toBe(true);
    expect(await requestCredentialsValid(API, { authorization: `Bearer cct_${"x".repeat(43)}`, cookie: live })).toBe(false);
    expect(await requestCredentialsValid(API, { authorization: "Basic abc", cookie: live })).toBe(false);
    // A page (server action) reads the session only.
    expect(await requestCredentialsValid("/breakers", { authorization: `Bearer ${created.data.token}` })).toBe(false);
  });
});
